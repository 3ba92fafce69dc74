// Test helper: fleet-agent as a device runs it, its bin as a process of its own (the precompiled
// bundle when it is fresh, else the sources), started with the given arguments and environment
// only, stopped with SIGTERM as systemd would.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findReadyLine, type TReadyLine } from "@fleet/log";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
export const agentBin = path.join(repoRoot, "apps/agent/bin/fleet-agent.mjs");

export interface TAgentProcess {
  child: ChildProcess;
  /** stdout and stderr as they arrived */
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `fleet-agent ARGS` and resolves with it once it printed its JSON ready line. */
export async function startAgentProcess(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<TAgentProcess & { ready: TReadyLine }> {
  const { PATH, HOME, TMPDIR } = process.env;
  const env = { ...(PATH ? { PATH } : {}), ...(HOME ? { HOME } : {}), ...(TMPDIR ? { TMPDIR } : {}), ...options.env };
  const child = spawn(process.execPath, [agentBin, ...args], {
    cwd: options.cwd ?? repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const ready = await new Promise<TReadyLine>((resolve, reject) => {
    const check = () => {
      const line = findReadyLine(stdout, "fleet-agent");
      if (line) {
        child.stdout?.off("data", check);
        resolve(line);
      }
    };
    child.stdout?.on("data", check);
    void exited.then(() => reject(new Error(`fleet-agent exited before it was ready:\n${output}`)));
  });
  return { child, output: () => output, stop, ready };
}
