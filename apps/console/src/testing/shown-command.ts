// Test helper: runs the agent command the provisioning page shows as a user pasting it into `sh` on
// the device would, with a stand-in `fleet-agent` first on PATH that records the arguments it was
// started with. A test then starts the real agent with exactly those arguments, from the same
// directory (where the command left the secret file).
import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

/** Runs `command` with `sh -c` in `dir`; resolves with the arguments `fleet-agent` was given. */
export async function runShownCommand(command: string, dir: string): Promise<string[]> {
  const bin = await mkdtemp(path.join(os.tmpdir(), "fleet-agent-bin-"));
  const argsFile = path.join(bin, "args");
  await writeFile(path.join(bin, "fleet-agent"), `#!/bin/sh\nprintf '%s\\0' "$@" > "$FLEET_TEST_AGENT_ARGS"\n`);
  await chmod(path.join(bin, "fleet-agent"), 0o755);
  const env = {
    ...process.env,
    PATH: `${bin}${path.delimiter}${process.env["PATH"] ?? ""}`,
    FLEET_TEST_AGENT_ARGS: argsFile,
  };
  await promisify(execFile)("sh", ["-c", command], { cwd: dir, env });
  return (await readFile(argsFile, "utf8")).split("\0").slice(0, -1);
}
