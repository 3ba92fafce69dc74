// The Next server code and main.ts load modules separately; the runner main.ts starts is reached
// through this process-wide handle. Without a runner (none started yet) the job waits in the
// database as UPLOADED and is picked up when one starts.
const RUNNER_KEY = Symbol.for("fleet.console.quantize-runner");

export interface TRunnerHandle {
  wake(): void;
}

type TGlobal = typeof globalThis & { [RUNNER_KEY]?: TRunnerHandle };

export function registerQuantizeRunner(handle: TRunnerHandle | null): void {
  const global = globalThis as TGlobal;
  if (handle) global[RUNNER_KEY] = handle;
  else delete global[RUNNER_KEY];
}

/** Tells the runner a model is waiting; a no-op when none runs in this process. */
export function wakeQuantizeRunner(): void {
  (globalThis as TGlobal)[RUNNER_KEY]?.wake();
}
