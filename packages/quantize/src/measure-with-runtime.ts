// Loads a written variant with the runtime, as a device would, and times it on this machine.
import { describeBackend, loadVariant } from "@fleet/runtime";
import type { TVariantReport } from "./report-schema.ts";

export async function measureWithRuntime(dir: string, sample: Float32Array, runs: number): Promise<NonNullable<TVariantReport["runtime"]>> {
  const loaded = await loadVariant(dir);
  try {
    const selfTest = loaded.selfTest();
    const latency = loaded.measureLatency(runs, 5, sample);
    const memory = loaded.memory();
    return {
      backend: describeBackend(loaded.backend),
      loadMs: loaded.loadMs,
      latency: { runs: latency.runs, medianMs: latency.medianMs, p95Ms: latency.p95Ms },
      rssMB: memory.rssMB,
      modelMB: memory.modelMB,
      selfTest: { passed: selfTest.passed, maxAbsError: selfTest.maxAbsError },
    };
  } finally {
    loaded.dispose();
  }
}

