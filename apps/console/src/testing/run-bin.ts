import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { findReadyLine, type TReadyLine } from "@fleet/log";

export const consoleDir = fileURLToPath(new URL("../..", import.meta.url));
export const consoleBin = fileURLToPath(new URL("../../bin/fleet-console.mjs", import.meta.url));

/** A clean environment: the tests pass settings as flags, never inherit the developer's. */
export function binEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR } = process.env;
  const env: Record<string, string> = {
    ...(PATH ? { PATH } : {}),
    ...(HOME ? { HOME } : {}),
    ...(TMPDIR ? { TMPDIR } : {}),
  };
  // fleet-console sets NODE_ENV itself; Next's typings merely insist the key exists.
  return { ...env, ...extra } as NodeJS.ProcessEnv;
}

export interface TBinResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs fleet-console to completion. */
export function runBin(args: string[], options: { timeoutMs?: number } = {}): Promise<TBinResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [consoleBin, ...args], { cwd: consoleDir, env: binEnv() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resolves with the bin's JSON ready line (@fleet/log) on stdout; rejects if the process exits first. */
export function waitForReady(child: ChildProcess, name: string, timeoutMs: number): Promise<TReadyLine> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let output = "";
    const timer = setTimeout(
      () => finish(new Error(`no ready line of ${name} within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      stdout += chunk.toString();
      const ready = findReadyLine(stdout, name);
      if (ready !== null) finish(null, ready);
    };
    const onErr = (chunk: Buffer) => (output += chunk.toString());
    const onExit = (code: number | null) => finish(new Error(`${name} exited (${code}) before ready:\n${output}`));
    function finish(error: Error | null, ready?: TReadyLine) {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onErr);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve(ready as TReadyLine);
    }
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onErr);
    child.once("exit", onExit);
  });
}

/** SIGTERM, then SIGKILL if it lingers; resolves with the exit code. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
