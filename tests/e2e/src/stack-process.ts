import { runBin, type TProc } from "./processes.ts";

export { repoRoot } from "./processes.ts";

export type TStack = TProc;

/** Runs `npm start`'s script (`node scripts/fleet.mjs start`) with its own data dir and ports. */
export function startStack(env: Record<string, string>): TStack {
  return runBin("scripts/fleet.mjs", ["start"], { MQTT_URL: "", ...env });
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
