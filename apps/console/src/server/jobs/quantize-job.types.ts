import type { TReport } from "@fleet/quantize";

/** workerData of a quantization worker. */
export interface TQuantizeJobInput {
  modelDir: string;
  outDir: string;
  calibDir: string | null;
  valDir: string | null;
  /** Load each variant with the runtime to measure load time, latency and memory. */
  measure: boolean;
  latencyRuns: number;
}

export type TQuantizeWorkerMessage =
  | { type: "progress"; done: number; total: number; label: string }
  | { type: "done"; report: TReport }
  | { type: "failed"; message: string };
