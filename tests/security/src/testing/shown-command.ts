// Test helper: runs the command the console's provisioning page shows as a user pasting it into `sh`
// on the device would, with a stand-in `fleet-agent` first on PATH that records its arguments: the
// test then starts the real agent with exactly those, from the same directory.
import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

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
