// fleet-quantize eval: load a written variant with the runtime (hashes verified, self-test run)
// and measure it on labelled data, as a device would run it.
import { describeBackend, loadVariant, type BackendPreference } from "@fleet/runtime";
import { checkDatasetShape, loadDataset } from "./dataset.ts";
import { score } from "./evaluate.ts";

export interface VariantMetrics {
  variant: string;
  bytes: number;
  backend: string;
  samples: number;
  accuracy: number;
  selfTest: { passed: boolean; maxAbsError: number };
  loadMs: number;
  latency: { runs: number; medianMs: number; p95Ms: number };
  rssMB: number;
}

export async function evaluateVariant(dir: string, valDir: string, options: { backend?: BackendPreference; latencyRuns?: number } = {}): Promise<VariantMetrics> {
  const loaded = await loadVariant(dir, { backend: options.backend ?? "auto" });
  try {
    const val = await loadDataset(valDir, { labels: true, purpose: "validation" });
    checkDatasetShape(val, loaded.inputShape);
    const scores = score(loaded.model, val);
    const per = val.sampleShape.reduce((a, b) => a * b, 1);
    const latency = loaded.measureLatency(options.latencyRuns ?? 50, 5, val.x.subarray(0, per));
    const selfTest = loaded.selfTest();
    return {
      variant: loaded.manifest?.variant ?? "unknown",
      bytes: loaded.manifest?.bytes ?? 0,
      backend: describeBackend(loaded.backend),
      samples: val.count,
      accuracy: scores.accuracy!,
      selfTest: { passed: selfTest.passed, maxAbsError: selfTest.maxAbsError },
      loadMs: loaded.loadMs,
      latency: { runs: latency.runs, medianMs: latency.medianMs, p95Ms: latency.p95Ms },
      rssMB: loaded.memory().rssMB,
    };
  } finally {
    loaded.dispose();
  }
}
