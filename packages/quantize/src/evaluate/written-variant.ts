// A written variant directory opened by @fleet/runtime as a device opens it (hashes verified, on
// its own engine): what it costs to run here, how it scores on a data set, and both together for
// `fleet-quantize eval`. The pipeline and the eval command measure a variant the same way.
import { openVariant, type BackendPreference, type VariantRunner } from "@fleet/runtime";
import { checkDatasetShape, loadDataset, type Dataset } from "../inputs/dataset.ts";
import type { TVariantReport } from "../pipeline/report-schema.ts";
import { scoreRunner, type Scores } from "./score.ts";

/** ONNX Runtime threads when measuring: one, like a wearable core and like TF.js wasm here */
export const MEASURE_THREADS = 1;
const WARMUP_RUNS = 5;

export type RuntimeCost = NonNullable<TVariantReport["runtime"]>;

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

interface OpenOptions {
  backend?: BackendPreference;
  threads?: number;
}

async function withVariant<T>(
  dir: string,
  options: OpenOptions,
  use: (runner: VariantRunner) => Promise<T>,
): Promise<T> {
  const runner = await openVariant(dir, { ...options, threads: options.threads ?? MEASURE_THREADS });
  try {
    return await use(runner);
  } finally {
    await runner.dispose();
  }
}

/** self-test, then latency over `runs` on one `sample`, then memory, of an opened variant */
async function runtimeCost(runner: VariantRunner, sample: Float32Array, runs: number): Promise<RuntimeCost> {
  const selfTest = await runner.selfTest();
  const latency = await runner.measureLatency(runs, WARMUP_RUNS, sample);
  const memory = runner.memory();
  return {
    backend: runner.describe(),
    loadMs: runner.loadMs,
    latency: { runs: latency.runs, medianMs: latency.medianMs, p95Ms: latency.p95Ms },
    rssMB: memory.rssMB,
    modelMB: memory.modelMB,
    selfTest: { passed: selfTest.passed, maxAbsError: selfTest.maxAbsError },
  };
}

/** load time, latency, RSS and self-test of the variant in `dir` (the report's `runtime`) */
export function measureWrittenVariant(dir: string, sample: Float32Array, runs: number): Promise<RuntimeCost> {
  return withVariant(dir, {}, (runner) => runtimeCost(runner, sample, runs));
}

/** top-1 accuracy / agreement of the variant in `dir` on `dataset`, run as a device runs it */
export function scoreWrittenVariant(dir: string, dataset: Dataset, reference?: Int32Array): Promise<Scores> {
  return withVariant(dir, {}, (runner) => scoreRunner(runner, dataset, reference));
}

/** fleet-quantize eval: accuracy on the labelled data in `valDir` and the runtime cost, in one load */
export async function evaluateVariant(
  dir: string,
  valDir: string,
  options: OpenOptions & { latencyRuns?: number } = {},
): Promise<VariantMetrics> {
  return withVariant(
    dir,
    { backend: options.backend ?? "auto", ...(options.threads === undefined ? {} : { threads: options.threads }) },
    async (runner) => {
      const val = await loadDataset(valDir, { labels: true, purpose: "validation" });
      checkDatasetShape(val, runner.inputShape);
      const scores = await scoreRunner(runner, val);
      const per = val.sampleShape.reduce((a, b) => a * b, 1);
      const cost = await runtimeCost(runner, val.x.subarray(0, per), options.latencyRuns ?? 50);
      return {
        variant: runner.manifest?.variant ?? "unknown",
        engine: runner.engine,
        bytes: runner.manifest?.bytes ?? 0,
        backend: cost.backend,
        samples: val.count,
        accuracy: scores.accuracy!,
        selfTest: cost.selfTest,
        loadMs: cost.loadMs,
        latency: cost.latency,
        rssMB: cost.rssMB,
      };
    },
  );
}
