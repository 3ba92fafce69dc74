// The shown agent command, run by a real shell: the secret lands in a 0600 file and the agent is
// started with --secret-file; no process gets the secret in its arguments.
import { mkdtemp, readFile, stat, writeFile, chmod } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runShownCommand } from "../../../testing/shown-command.ts";
import { AGENT_SECRET_FILE, agentCommand } from "./agent-command.ts";

const secret = "Q2xvdWQtc2VjcmV0LTAxMjM0NTY3ODk_-";
const options = {
  brokerUrl: "mqtt://broker.test:1883",
  deviceId: "gw-1",
  secret,
  deviceClass: "GATEWAY",
  publicKey: "k3y+/=",
};

async function runShown(command: string, dir?: string): Promise<{ dir: string; args: string[] }> {
  const cwd = dir ?? (await mkdtemp(path.join(os.tmpdir(), "fleet-agent-command-")));
  return { dir: cwd, args: await runShownCommand(command, cwd) };
}

describe("agent command shown at provisioning", () => {
  it("writes the secret to a file only its user can read and starts the agent with --secret-file", async () => {
    const { dir, args } = await runShown(agentCommand(options));
    const file = path.join(dir, AGENT_SECRET_FILE);
    expect(await readFile(file, "utf8")).toBe(`${secret}\n`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(args).toEqual([
      "run",
      "--broker",
      "mqtt://broker.test:1883",
      "--device-id",
      "gw-1",
      "--secret-file",
      AGENT_SECRET_FILE,
      "--public-key",
      "k3y+/=",
    ]);
    expect(args.join(" ")).not.toContain(secret);
  });

  it("replaces a secret file left world-readable by an earlier run, and says so for a wearable", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "fleet-agent-command-"));
    const file = path.join(dir, AGENT_SECRET_FILE);
    await writeFile(file, "old secret\n");
    await chmod(file, 0o644);
    const command = agentCommand({ ...options, deviceClass: "WEARABLE" });
    expect((await runShown(command, dir)).args.slice(-2)).toEqual(["--class", "wearable"]);
    expect(await readFile(file, "utf8")).toBe(`${secret}\n`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
