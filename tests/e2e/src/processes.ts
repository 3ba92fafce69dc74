import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findReadyLine, type TReadyLine } from "@fleet/log";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface TProc {
  child: ChildProcess;
  /** stdout and stderr, interleaved as they arrived. */
  output: () => string;
  /** stdout alone (where a bin prints its ready line). */
  stdout: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<number | null>;
}

/** Runs one of our bins (e.g. apps/broker/bin/fleet-broker.mjs) as its own process. */
export function runBin(relativeBin: string, args: string[], env: Record<string, string> = {}): TProc {
  const child = spawn(process.execPath, [path.join(repoRoot, relativeBin), ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: "", REDIS_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    text += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    output: () => text,
    stdout: () => stdout,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Resolves with the bin's JSON ready line (@fleet/log); fails if the process exits first or time runs out. */
export async function waitForReady(proc: TProc, name: string, timeoutMs = 60_000): Promise<TReadyLine> {
  let exited = false;
  void proc.exited.then(() => (exited = true));
  return eventually(
    async () => {
      if (exited) throw new Error(`${name} exited before it was ready:\n${proc.output()}`);
      return findReadyLine(proc.stdout(), name) ?? undefined;
    },
    `the ready line of ${name}`,
    timeoutMs,
  );
}

/** Polls until `check` returns a value (not undefined/false) or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
