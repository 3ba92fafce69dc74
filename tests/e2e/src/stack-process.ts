import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface TStack {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs `npm start`'s script (`node scripts/fleet.mjs start`) with its own data dir and ports. */
export function startStack(env: Record<string, string>): TStack {
  const child = spawn(process.execPath, [path.join(repoRoot, "scripts", "fleet.mjs"), "start"], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: "", REDIS_URL: "", MQTT_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/** Resolves with the output once `pattern` appears; rejects if the process exits first. */
export async function waitForOutput(stack: TStack, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void stack.exited.then(() => (exited = true));
  for (;;) {
    const match = pattern.exec(stack.output());
    if (match) return match;
    if (exited) throw new Error(`stack exited before ${pattern}:\n${stack.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${stack.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
