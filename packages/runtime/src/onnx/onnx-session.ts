// The `onnx` engine's core: an ONNX Runtime session (onnxruntime-node, CPU execution provider) over
// one .onnx model, with the same surface as the tfjs engine's LoadedModel (predict, latency, memory,
// input shape), except that inference is asynchronous. Variants of this engine open through
// openVariant (onnx-variant.ts); this module is imported on demand because it loads the native addon.
import { readFile } from "node:fs/promises";
import * as ort from "onnxruntime-node";
import { RuntimeError } from "../errors.ts";
import { latencyStats, MB, type LatencyStats } from "../measure.ts";

export interface OnnxSessionOptions {
  /** intra-op threads of ONNX Runtime (default: ONNX Runtime's choice, one per core) */
  threads?: number;
}

export interface OnnxMemoryStats {
  rssMB: number;
  heapUsedMB: number;
}

/** An open ONNX Runtime session on one model; `dispose` releases it. */
export class OnnxSession {
  private released = false;

  constructor(
    private readonly ortSession: ort.InferenceSession,
    /** the file the model came from, or "<bytes>" */
    readonly source: string,
    readonly inputName: string,
    readonly outputName: string,
    /** input shape with the batch dimension first (null = any, i.e. symbolic or unknown) */
    readonly inputShape: (number | null)[],
    /** output shape as the graph declares it (null = any); undefined when it declares none */
    readonly outputShape: (number | null)[] | undefined,
    /** wall time from reading the first byte to a session ready to run (ms) */
    readonly loadMs: number,
  ) {}

  /** Runs a batch: `x` is row-major [batch, ...inputShape]; returns the output rows. */
  async predict(x: Float32Array, batch: number): Promise<{ data: Float32Array; shape: number[] }> {
    if (this.released) throw new RuntimeError("INPUT_INVALID", `${this.source}: the model was disposed`, "input");
    if (!Number.isInteger(batch) || batch < 1)
      throw new RuntimeError("INPUT_INVALID", `batch must be a positive integer, got ${batch}`, "input");
    if (!(x instanceof Float32Array))
      throw new RuntimeError("INPUT_INVALID", `input must be a Float32Array (the model takes float32)`, "input");
    const rest = this.inputShape.slice(1).map((d) => d ?? 1);
    const shape = [batch, ...rest];
    const expected = shape.reduce((a, b) => a * b, 1);
    if (x.length !== expected) {
      throw new RuntimeError(
        "INPUT_INVALID",
        `input holds ${x.length} values; a batch of ${batch} of shape [${rest.join(", ")}] needs ${expected}`,
        "input",
      );
    }
    let outputs: ort.InferenceSession.ReturnType;
    try {
      outputs = await this.ortSession.run({ [this.inputName]: new ort.Tensor("float32", x, shape) });
    } catch (error) {
      throw new RuntimeError(
        "INPUT_INVALID",
        `${this.source}: ONNX Runtime refused the input [${shape.join(", ")}]: ${firstLine(error)}`,
        this.inputName,
      );
    }
    const out = outputs[this.outputName]!;
    if (out.type !== "float32")
      throw new RuntimeError(
        "UNSUPPORTED",
        `${this.source}: output "${this.outputName}" is ${out.type}; the onnx engine returns float32`,
        this.outputName,
      );
    const data = out.data as Float32Array;
    const result = { data: new Float32Array(data), shape: [...out.dims] };
    out.dispose();
    return result;
  }

  /** batch-1 latency over `runs` runs after `warmup` unmeasured ones */
  async measureLatency(runs = 50, warmup = 5, input?: Float32Array): Promise<LatencyStats> {
    const sample =
      input ?? new Float32Array(this.inputShape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1)).fill(0.5);
    const samples: number[] = [];
    for (let i = 0; i < warmup + runs; i++) {
      const started = performance.now();
      await this.predict(sample, 1);
      if (i >= warmup) samples.push(performance.now() - started);
    }
    return latencyStats(samples);
  }

  /** process memory (ONNX Runtime allocates natively, so RSS is the figure that counts) */
  memory(): OnnxMemoryStats {
    const usage = process.memoryUsage();
    return { rssMB: usage.rss / MB, heapUsedMB: usage.heapUsed / MB };
  }

  async dispose(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.ortSession.release();
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}

/** Loads a .onnx model from a path or from its bytes and opens an ONNX Runtime session on the CPU. */
export async function openOnnxSession(
  model: string | Uint8Array,
  options: OnnxSessionOptions = {},
): Promise<OnnxSession> {
  const { threads } = options;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new RuntimeError("UNSUPPORTED", `threads must be a positive integer, got ${threads}`);
  }
  const started = performance.now();
  const source = typeof model === "string" ? model : "<bytes>";
  let bytes: Uint8Array;
  if (typeof model === "string") {
    try {
      bytes = await readFile(model);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT")
        throw new RuntimeError("FILE_MISSING", `${model}: no such file`, model);
      throw error;
    }
  } else {
    bytes = model;
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
      ...(threads !== undefined ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
    });
  } catch (error) {
    throw new RuntimeError(
      "MODEL_INVALID",
      `${source}: not a valid ONNX model (ONNX Runtime refused it: ${firstLine(error)})`,
      source,
    );
  }
  try {
    if (session.inputNames.length !== 1 || session.outputNames.length < 1) {
      throw new RuntimeError(
        "UNSUPPORTED",
        `${source}: the onnx engine runs models with one input, this one has ${session.inputNames.length}`,
        source,
      );
    }
    const meta = session.inputMetadata[0];
    if (!meta?.isTensor || meta.type !== "float32") {
      throw new RuntimeError(
        "UNSUPPORTED",
        `${source}: input "${session.inputNames[0]}" must be a float32 tensor`,
        session.inputNames[0],
      );
    }
    const inputShape = meta.shape.map((d) => (typeof d === "number" && d > 0 ? d : null));
    if (inputShape.length === 0)
      throw new RuntimeError("UNSUPPORTED", `${source}: input "${meta.name}" has no declared shape`, meta.name);
    const out = session.outputMetadata[0];
    const outputShape =
      out?.isTensor && out.shape.length > 0
        ? out.shape.map((d) => (typeof d === "number" && d > 0 ? d : null))
        : undefined;
    return new OnnxSession(
      session,
      source,
      session.inputNames[0]!,
      session.outputNames[0]!,
      inputShape,
      outputShape,
      performance.now() - started,
    );
  } catch (error) {
    await session.release();
    throw error;
  }
}
