// Runs an in-memory ONNX graph with onnxruntime-node over a whole data set in batches, optionally
// fetching intermediate tensors (added as extra graph outputs without a shape).
import * as ort from "onnxruntime-node";
import { concatFloat32 as concat } from "../../tfjs/quant-math.ts";
import { encodeModel } from "../graph/encode-model.ts";
import type { OnnxModelProto } from "../graph/onnx-proto.ts";

export interface OrtOptions {
  threads?: number;
  batch?: number;
}

export interface Samples {
  /** row-major float32 [count, ...sampleShape] */
  x: Float32Array;
  sampleShape: number[];
  count: number;
}

/** `model` with extra graph outputs (name + element type); graph inputs and existing outputs are left alone */
export function withOutputs(model: OnnxModelProto, extra: { name: string; elemType: number }[]): OnnxModelProto {
  const have = new Set([...model.graph.outputs, ...model.graph.inputs].map((o) => o.name));
  const outputs = [
    ...model.graph.outputs,
    ...extra.filter((e) => !have.has(e.name)).map((e) => ({ name: e.name, elemType: e.elemType })),
  ];
  return { ...model, graph: { ...model.graph, outputs } };
}

export async function createSession(model: OnnxModelProto | Uint8Array, threads = 1): Promise<ort.InferenceSession> {
  const bytes = model instanceof Uint8Array ? model : encodeModel(model);
  return ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
  });
}

/**
 * Runs every sample and returns each fetched tensor concatenated over the batches, as numbers
 * (uint8 tensors are returned as their raw levels; the caller dequantizes). Graph inputs may be
 * fetched too: they come straight from the samples.
 */
export async function runAll(
  model: OnnxModelProto,
  samples: Samples,
  fetch: string[],
  options: OrtOptions = {},
): Promise<Map<string, Float32Array>> {
  const inputName = model.graph.inputs[0]!.name;
  const session = await createSession(model, options.threads ?? 1);
  const per = samples.sampleShape.reduce((a, b) => a * b, 1);
  const batch = options.batch ?? 128;
  const wanted = fetch.filter((n) => n !== inputName);
  const chunks = new Map<string, Float32Array[]>(wanted.map((n) => [n, []]));
  try {
    for (let start = 0; start < samples.count; start += batch) {
      const n = Math.min(batch, samples.count - start);
      const x = samples.x.slice(start * per, (start + n) * per);
      const result = await session.run(
        { [inputName]: new ort.Tensor("float32", x, [n, ...samples.sampleShape]) },
        wanted,
      );
      for (const name of wanted) {
        const data = result[name]!.data as Float32Array | Uint8Array;
        chunks.get(name)!.push(data instanceof Float32Array ? data : Float32Array.from(data));
      }
    }
  } finally {
    await session.release();
  }
  const out = new Map<string, Float32Array>();
  for (const [name, parts] of chunks) out.set(name, concat(parts));
  if (fetch.includes(inputName)) out.set(inputName, samples.x.subarray(0, samples.count * per));
  return out;
}
