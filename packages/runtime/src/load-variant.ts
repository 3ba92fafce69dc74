// The runtime's entry point: load a variant directory (ours with manifest.json, or a stock TF.js
// model), verify it, build it on the chosen backend and prove it with the manifest's self-test.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import type { GraphModel } from "@tensorflow/tfjs-converter";
import type { LayersModel } from "@tensorflow/tfjs-layers";
import { initBackend, type BackendChoice, type BackendPreference } from "./backend.ts";
import { RuntimeError } from "./errors.ts";
import { describeBackend } from "./backend.ts";
import { MANIFEST_FILE, parseManifest, type TManifest } from "./manifest.ts";
import { latencyStats, MB, type LatencyStats, type MemoryStats } from "./measure.ts";
import { MODEL_JSON, readModelFiles, type ModelFormat } from "./model-files.ts";
import { compareWithGolden, goldenInput, selfTestError, type SelfTestResult } from "./self-test.ts";
import { buildTfModel, type TfModel } from "./tf-model.ts";
import type { RunOutput, VariantRunner } from "./variant-runner.ts";
import { checkAllFilesListed, verifyManifestFiles } from "./verify-files.ts";

export interface LoadOptions {
  /** refuse a directory without manifest.json (default true: devices only run verified artifacts) */
  requireManifest?: boolean;
  /** run the manifest's self-test after loading and throw if it fails (default true) */
  selfTest?: boolean;
  backend?: BackendPreference;
}

export type { SelfTestResult };

/** A variant on the tfjs engine (TF.js model on the chosen backend). */
export class LoadedModel implements VariantRunner {
  readonly engine = "tfjs" as const;

  constructor(
    readonly dir: string,
    readonly manifest: TManifest | undefined,
    readonly format: ModelFormat,
    readonly model: TfModel,
    readonly backend: BackendChoice,
    /** wall time from reading the first byte to a model ready to run (ms) */
    readonly loadMs: number,
  ) {}

  /** input shape with the batch dimension first (null = any) */
  get inputShape(): (number | null)[] {
    const shape = (this.model.inputs[0] as { shape?: (number | null)[] | number[] } | undefined)?.shape;
    return shape ? [...shape].map((d) => (d === -1 ? null : d)) : [];
  }

  /** Runs a batch: `x` is row-major [batch, ...inputShape]; returns the output rows. */
  predict(x: Float32Array, batch: number): { data: Float32Array; shape: number[] } {
    const shape = [batch, ...this.inputShape.slice(1).map((d) => d ?? 1)];
    const expected = shape.reduce((a, b) => a * b, 1);
    if (x.length !== expected) {
      throw new RuntimeError(
        "INPUT_INVALID",
        `input holds ${x.length} values; a batch of ${batch} of shape [${this.inputShape.slice(1).join(", ")}] needs ${expected}`,
        "input",
      );
    }
    return tf.tidy(() => {
      const out = this.model.predict(tf.tensor(x, shape)) as tf.Tensor;
      return { data: out.dataSync() as Float32Array, shape: out.shape };
    });
  }

  run(x: Float32Array, batch: number): Promise<RunOutput> {
    try {
      return Promise.resolve(this.predict(x, batch));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  describe(): string {
    return describeBackend(this.backend);
  }

  selfTest(): SelfTestResult {
    const { x, batch } = goldenInput(this.manifest, this.dir);
    return compareWithGolden(this.manifest!, this.predict(x, batch).data);
  }

  /** batch-1 latency over `runs` runs after `warmup` unmeasured ones */
  measureLatency(runs = 50, warmup = 5, input?: Float32Array): LatencyStats {
    const sample =
      input ?? new Float32Array(this.inputShape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1)).fill(0.5);
    const samples: number[] = [];
    for (let i = 0; i < warmup + runs; i++) {
      const started = performance.now();
      this.predict(sample, 1);
      if (i >= warmup) samples.push(performance.now() - started);
    }
    return latencyStats(samples);
  }

  memory(): MemoryStats {
    const usage = process.memoryUsage();
    return {
      rssMB: usage.rss / MB,
      heapUsedMB: usage.heapUsed / MB,
      tensorMB: tf.memory().numBytes / MB,
      modelMB: this.weightBytes() / MB,
    };
  }

  /** bytes of this model's weight tensors on the backend (float32 after dequantization) */
  weightBytes(): number {
    // by format rather than instanceof, so the converter is only loaded for graph models
    const weights =
      this.format === "graph-model"
        ? Object.values((this.model as GraphModel).weights).flat()
        : (this.model as LayersModel).weights.map((w) => w.read());
    return weights.reduce((sum, t) => sum + t.size * (t.dtype === "float32" || t.dtype === "int32" ? 4 : 1), 0);
  }

  dispose(): void {
    this.model.dispose();
  }
}

export async function readManifest(dir: string, required: boolean): Promise<TManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    if (required)
      throw new RuntimeError(
        "FILE_MISSING",
        `${MANIFEST_FILE}: missing from ${dir}; pass requireManifest: false to load a stock model`,
        MANIFEST_FILE,
      );
    return undefined;
  }
  return parseManifest(text);
}

export function sameShape(a: (number | null)[], b: (number | null)[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Loads a variant of the tfjs engine (see openVariant for any engine). */
export async function loadVariant(dir: string, options: LoadOptions = {}): Promise<LoadedModel> {
  await initBackend(options.backend ?? "auto"); // once per process; not part of this model's load time
  const started = performance.now();
  const manifest = await readManifest(dir, options.requireManifest ?? true);
  return loadTfjsVariant(dir, manifest, options, started);
}

export async function loadTfjsVariant(
  dir: string,
  manifest: TManifest | undefined,
  options: LoadOptions,
  started = performance.now(),
): Promise<LoadedModel> {
  if (manifest && manifest.engine !== "tfjs") {
    throw new RuntimeError(
      "UNSUPPORTED",
      `${dir}: a variant of the ${manifest.engine} engine; load it with openVariant`,
      MANIFEST_FILE,
    );
  }
  const backend = await initBackend(options.backend ?? "auto");
  if (manifest) await verifyManifestFiles(dir, manifest);
  const files = await readModelFiles(dir, manifest?.entry ?? MODEL_JSON);
  if (manifest) {
    checkAllFilesListed(manifest, files.files);
    if (manifest.modelFormat !== files.format) {
      throw new RuntimeError(
        "MANIFEST_INVALID",
        `manifest.json says ${manifest.modelFormat}, ${manifest.entry} is a ${files.format}`,
        manifest.entry,
      );
    }
  }
  const model = await buildTfModel(files);
  const loaded = new LoadedModel(dir, manifest, files.format, model, backend, performance.now() - started);
  if (manifest && !sameShape(manifest.input.shape, loaded.inputShape)) {
    loaded.dispose();
    throw new RuntimeError(
      "SHAPE_MISMATCH",
      `manifest.json: input "${manifest.input.name}" is ${JSON.stringify(manifest.input.shape)}, ${manifest.entry} takes ${JSON.stringify(loaded.inputShape)}`,
      manifest.input.name,
    );
  }
  if (manifest && (options.selfTest ?? true)) {
    const result = loaded.selfTest();
    if (!result.passed) {
      loaded.dispose();
      throw selfTestError(dir, `backend ${backend.name}`, result);
    }
  }
  return loaded;
}
