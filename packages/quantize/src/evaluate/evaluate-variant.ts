// fleet-quantize eval: load a written variant with the runtime (hashes verified, self-test run)
// and measure it on labelled data, as a device would run it.
import { openVariant, type BackendPreference } from "@fleet/runtime";
import { checkDatasetShape, loadDataset } from "../inputs/dataset.ts";
import { scoreRunner } from "./score.ts";
import { MEASURE_THREADS } from "./written-variant.ts";

export interface VariantMetrics {
  variant: string;
  engine: string;
  bytes: number;
  backend: string;
  samples: number;
  accuracy: number;
  selfTest: { passed: boolean; maxAbsError: number };
  loadMs: number;
  latency: { runs: number; medianMs: number; p95Ms: number };
  rssMB: number;
}

export async function evaluateVariant(
  dir: string,
  valDir: string,
  options: { backend?: BackendPreference; latencyRuns?: number; threads?: number } = {},
): Promise<VariantMetrics> {
  const loaded = await openVariant(dir, {
    backend: options.backend ?? "auto",
    threads: options.threads ?? MEASURE_THREADS,
  });
  try {
    const val = await loadDataset(valDir, { labels: true, purpose: "validation" });
    checkDatasetShape(val, loaded.inputShape);
    const scores = await scoreRunner(loaded, val);
    const per = val.sampleShape.reduce((a, b) => a * b, 1);
    const latency = await loaded.measureLatency(options.latencyRuns ?? 50, 5, val.x.subarray(0, per));
    const selfTest = await loaded.selfTest();
    return {
      variant: loaded.manifest?.variant ?? "unknown",
      engine: loaded.engine,
      bytes: loaded.manifest?.bytes ?? 0,
      backend: loaded.describe(),
      samples: val.count,
      accuracy: scores.accuracy!,
      selfTest: { passed: selfTest.passed, maxAbsError: selfTest.maxAbsError },
      loadMs: loaded.loadMs,
      latency: { runs: latency.runs, medianMs: latency.medianMs, p95Ms: latency.p95Ms },
      rssMB: loaded.memory().rssMB,
    };
  } finally {
    await loaded.dispose();
  }
}
