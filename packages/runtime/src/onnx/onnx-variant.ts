// A variant of the `onnx` engine: manifest.json + model.onnx, verified like any variant (every
// file's sha256, declared input shape against the graph's) and proven by the manifest's self-test.
import { join } from "node:path";
import { RuntimeError } from "../errors.ts";
import { sameShape, type LoadOptions } from "../load-variant.ts";
import { MANIFEST_FILE, type TManifest } from "../manifest.ts";
import { MB, type LatencyStats, type MemoryStats } from "../measure.ts";
import { compareWithGolden, goldenInput, selfTestError, type SelfTestResult } from "../self-test.ts";
import type { RunOutput, VariantRunner } from "../variant-runner.ts";
import { verifyManifestFiles } from "../verify-files.ts";
import { openOnnxSession, type OnnxSession } from "./onnx-session.ts";

export const ONNX_ENTRY = "model.onnx";

export interface OnnxVariantOptions extends LoadOptions {
  /** ONNX Runtime intra-op threads (default: one per core) */
  threads?: number;
}

export class OnnxVariant implements VariantRunner {
  readonly engine = "onnx" as const;

  constructor(
    readonly dir: string,
    readonly manifest: TManifest | undefined,
    readonly session: OnnxSession,
    /** bytes of the graph ONNX Runtime holds (int8 weights stay 1 byte each) */
    readonly modelBytes: number,
    readonly threads: number | undefined,
    readonly loadMs: number,
  ) {}

  get inputShape(): (number | null)[] {
    return this.session.inputShape;
  }

  describe(): string {
    return `onnxruntime cpu (${this.threads === undefined ? "threads per core" : `${this.threads} thread${this.threads === 1 ? "" : "s"}`})`;
  }

  run(x: Float32Array, batch: number): Promise<RunOutput> {
    return this.session.predict(x, batch);
  }

  async selfTest(): Promise<SelfTestResult> {
    const { x, batch } = goldenInput(this.manifest, this.dir);
    return compareWithGolden(this.manifest!, (await this.run(x, batch)).data);
  }

  measureLatency(runs = 50, warmup = 5, input?: Float32Array): Promise<LatencyStats> {
    return this.session.measureLatency(runs, warmup, input);
  }

  memory(): MemoryStats {
    // ONNX Runtime allocates natively: RSS is the figure that counts; no TF.js tensors are involved
    return { ...this.session.memory(), tensorMB: 0, modelMB: this.modelBytes / MB };
  }

  dispose(): Promise<void> {
    return this.session.dispose();
  }
}

export async function loadOnnxVariant(
  dir: string,
  manifest: TManifest | undefined,
  options: OnnxVariantOptions,
  started = performance.now(),
): Promise<OnnxVariant> {
  if (manifest) {
    if (manifest.engine !== "onnx")
      throw new RuntimeError(
        "UNSUPPORTED",
        `${dir}: a variant of the ${manifest.engine} engine, not onnx`,
        MANIFEST_FILE,
      );
    // the graph is handed to ONNX Runtime as bytes, so external-data files could never be read:
    // the hashed entry is all that runs
    await verifyManifestFiles(dir, manifest);
  }
  const entry = join(dir, manifest?.entry ?? ONNX_ENTRY);
  const session = await openOnnxSession(entry, options.threads === undefined ? {} : { threads: options.threads });
  const bytes = manifest?.files.find((f) => f.path === manifest.entry)?.bytes ?? 0;
  const loaded = new OnnxVariant(dir, manifest, session, bytes, options.threads, performance.now() - started);
  try {
    if (manifest && !sameShape(manifest.input.shape, loaded.inputShape)) {
      throw new RuntimeError(
        "SHAPE_MISMATCH",
        `manifest.json: input "${manifest.input.name}" is ${JSON.stringify(manifest.input.shape)}, ${manifest.entry} takes ${JSON.stringify(loaded.inputShape)}`,
        manifest.input.name,
      );
    }
    const graphOutput = session.outputShape;
    if (manifest && graphOutput && !sameShape(manifest.output.shape, graphOutput)) {
      throw new RuntimeError(
        "SHAPE_MISMATCH",
        `manifest.json: output "${manifest.output.name}" is ${JSON.stringify(manifest.output.shape)}, ${manifest.entry} gives ${JSON.stringify(graphOutput)}`,
        manifest.output.name,
      );
    }
    if (manifest && (options.selfTest ?? true)) {
      const result = await loaded.selfTest();
      if (!result.passed) throw selfTestError(dir, loaded.describe(), result);
    }
  } catch (error) {
    await loaded.dispose();
    throw error;
  }
  return loaded;
}
