// The device secret of an agent started the way the console's provisioning page says, read as any
// other user of the device can: the command lines of every process (/proc/PID/cmdline, what `ps`
// shows). It must be in none of them, while the agent does authenticate with it.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startTestBroker, type TTestBroker, waitFor } from "@fleet/agent/testing";
import { agentCommand } from "@fleet/console/agent-command";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type TAgentProcess } from "./testing/agent-process.ts";
import { runShownCommand } from "./testing/shown-command.ts";

let broker: TTestBroker;
let dir: string;
let agent: TAgentProcess | undefined;

beforeAll(async () => {
  broker = await startTestBroker();
  dir = await mkdtemp(path.join(os.tmpdir(), "fleet-security-secret-"));
});

afterAll(async () => {
  await agent?.stop();
  await broker?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every process's command line this user can read, as `ps -ef` would print it. */
async function commandLines(): Promise<Map<number, string>> {
  const lines = new Map<number, string>();
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      lines.set(Number(name), (await readFile(`/proc/${name}/cmdline`, "utf8")).replaceAll("\0", " "));
    } catch {
      // the process ended meanwhile
    }
  }
  return lines;
}

describe.skipIf(process.platform !== "linux")("device secret of an agent started as the console says", () => {
  it("is in no process's command line, and the agent authenticates with it", async () => {
    const secret = randomBytes(24).toString("base64url"); // as the console makes them
    const publicKey = generateKeyPairSync("ed25519")
      .publicKey.export({ type: "spki", format: "der" })
      .subarray(-32)
      .toString("base64");
    const command = agentCommand({
      brokerUrl: broker.url,
      deviceId: "sec-secret-1",
      secret,
      deviceClass: "GATEWAY",
      publicKey,
    });
    const args = await runShownCommand(command, dir);
    agent = await startAgentProcess(
      [...args, "--data-dir", path.join(dir, "data"), "--inputs", "http", "--http-port", "0"],
      { cwd: dir },
    );
    await waitFor(
      () => broker.connects.find((c) => c.clientId === "sec-secret-1" && c.password === secret),
      "the agent's CONNECT with the secret",
    );

    const leaks = [...(await commandLines())].filter(([, line]) => line.includes(secret));
    expect(leaks.map(([pid, line]) => `${pid}: ${line}`)).toEqual([]);
    // nor inherited through the environment (readable by the same user and root only, but passed on)
    const pid = agent.child.pid!;
    expect(await readFile(`/proc/${pid}/environ`, "utf8")).not.toContain(secret);
    // where the command put it: a file only its owner can read
    const files = await readdir(dir);
    const secretFiles = [];
    for (const file of files) {
      const full = path.join(dir, file);
      if ((await stat(full)).isFile() && (await readFile(full, "utf8")).includes(secret)) secretFiles.push(full);
    }
    expect(secretFiles).toHaveLength(1);
    expect((await stat(secretFiles[0]!)).mode & 0o077).toBe(0);
  });
});
