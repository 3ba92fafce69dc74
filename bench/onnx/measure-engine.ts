// Child process of the ONNX benchmark: loads one model on one engine in a fresh process (so its RSS
// belongs to that engine and model alone), times batch 1 and batch 32 on one thread, prints JSON.
//   node --import tsx bench/onnx/measure-engine.ts tfjs <variant dir> <sample shape JSON> <runs>
//   node --import tsx bench/onnx/measure-engine.ts onnx <model.onnx> <sample shape JSON> <runs>
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

export interface EngineFigures {
  engine: string;
  loadMs: number;
  /** RSS once the engine's libraries are imported, before the model is loaded */
  rssBaseMB: number;
  /** RSS after loading the model and one warm-up run per batch size */
  rssAfterLoadMB: number;
  batches: { batch: number; runs: number; medianMs: number; p95Ms: number }[];
}

const MB = 1024 * 1024;
const BATCHES = [1, 32];

type Run = (x: Float32Array, batch: number) => Promise<unknown>;

async function time(run: Run, per: number, runs: number): Promise<EngineFigures["batches"]> {
  const out: EngineFigures["batches"] = [];
  for (const batch of BATCHES) {
    const n = batch === 1 ? runs : Math.max(10, Math.round(runs / 5));
    const x = new Float32Array(batch * per).map((_, i) => ((i * 7919) % 1000) / 1000);
    for (let i = 0; i < 10; i++) await run(x, batch);
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      await run(x, batch);
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    out.push({
      batch,
      runs: n,
      medianMs: samples[Math.floor(n / 2)]!,
      p95Ms: samples[Math.min(n - 1, Math.ceil(n * 0.95) - 1)]!,
    });
  }
  return out;
}

/** the slice of onnxruntime-node's API used here (the package is a dependency of @fleet/quantize, not of bench/) */
interface Ort {
  Tensor: new (type: "float32", data: Float32Array, dims: number[]) => unknown;
  InferenceSession: {
    create(
      bytes: Uint8Array,
      options: Record<string, unknown>,
    ): Promise<{ inputNames: readonly string[]; run(feeds: Record<string, unknown>): Promise<unknown> }>;
  };
}

async function measureOnnx(file: string, shape: number[], runs: number): Promise<EngineFigures> {
  const ort = createRequire(join(import.meta.dirname, "..", "..", "packages", "quantize", "package.json"))(
    "onnxruntime-node",
  ) as Ort;
  const rssBaseMB = process.memoryUsage().rss / MB;
  const started = performance.now();
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(file)), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    executionMode: "sequential",
  });
  const loadMs = performance.now() - started;
  const input = session.inputNames[0]!;
  const run: Run = (x, batch) => session.run({ [input]: new ort.Tensor("float32", x, [batch, ...shape]) });
  const batches = await time(
    run,
    shape.reduce((a, b) => a * b, 1),
    runs,
  );
  return {
    engine: "onnxruntime-node cpu, 1 thread",
    loadMs,
    rssBaseMB,
    rssAfterLoadMB: process.memoryUsage().rss / MB,
    batches,
  };
}

async function measureTfjs(dir: string, shape: number[], runs: number): Promise<EngineFigures> {
  const { initBackend, loadVariant, describeBackend } = await import("../../packages/runtime/src/index.ts");
  const backend = await initBackend("wasm");
  const rssBaseMB = process.memoryUsage().rss / MB;
  const loaded = await loadVariant(dir);
  const run: Run = (x, batch) => Promise.resolve(loaded.predict(x, batch));
  const batches = await time(
    run,
    shape.reduce((a, b) => a * b, 1),
    runs,
  );
  return {
    engine: `TF.js ${describeBackend(backend)}`,
    loadMs: loaded.loadMs,
    rssBaseMB,
    rssAfterLoadMB: process.memoryUsage().rss / MB,
    batches,
  };
}

const [engine, path, shapeArg, runsArg] = process.argv.slice(2);
if (!engine || !path || !shapeArg)
  throw new Error("usage: measure-engine.ts tfjs|onnx <path> <sample shape JSON> [runs]");
const shape = JSON.parse(shapeArg) as number[];
const runs = Number(runsArg ?? 100);
const figures = engine === "onnx" ? await measureOnnx(path, shape, runs) : await measureTfjs(path, shape, runs);
process.stdout.write(JSON.stringify(figures));
