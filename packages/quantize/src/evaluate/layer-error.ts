// How far a layer's values are from fp32: SQNR and cosine of weights or activations, the per-layer
// measure of every variant's report (TF.js and onnx alike).
import type { ModelFiles } from "@fleet/runtime";
import { concatFloat32, cosineSimilarity, sqnrDb } from "../tfjs/quant-math.ts";

export function errorStats(a: ArrayLike<number>, b: ArrayLike<number>): { sqnrDb: number | null; cosine: number } {
  const sqnr = sqnrDb(a, b);
  return { sqnrDb: Number.isFinite(sqnr) ? sqnr : null, cosine: cosineSimilarity(a, b) };
}

/** the float32 weights among `names`, as `pick` gives them, in one vector */
export function concatWeights(
  files: ModelFiles,
  names: string[],
  pick: (name: string) => ArrayLike<number>,
): Float32Array {
  return concatFloat32(
    names
      .filter((n) => files.weights.find((w) => w.entry.name === n)?.values instanceof Float32Array)
      .map((n) => Float32Array.from(pick(n))),
  );
}
