// Loads a written variant with the runtime, as a device would (on its engine), and times it here.
import { openVariant } from "@fleet/runtime";
import type { TVariantReport } from "../pipeline/report-schema.ts";

/** ONNX Runtime threads when measuring: one, like a wearable core and like TF.js wasm here */
export const MEASURE_THREADS = 1;

export async function measureWithRuntime(
  dir: string,
  sample: Float32Array,
  runs: number,
): Promise<NonNullable<TVariantReport["runtime"]>> {
  const loaded = await openVariant(dir, { threads: MEASURE_THREADS });
  try {
    const selfTest = await loaded.selfTest();
    const latency = await loaded.measureLatency(runs, 5, sample);
    const memory = loaded.memory();
    return {
      backend: loaded.describe(),
      loadMs: loaded.loadMs,
      latency: { runs: latency.runs, medianMs: latency.medianMs, p95Ms: latency.p95Ms },
      rssMB: memory.rssMB,
      modelMB: memory.modelMB,
      selfTest: { passed: selfTest.passed, maxAbsError: selfTest.maxAbsError },
    };
  } finally {
    await loaded.dispose();
  }
}
