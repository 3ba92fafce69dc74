// What a variant keeps: accuracy, agreement with fp32, and per-layer SQNR / cosine of weights and
// of activations against fp32.
import type * as tf from "@tensorflow/tfjs";
import type { ModelFiles } from "@fleet/runtime";
import type { TVariantKind } from "@fleet/variants";
import { captureActivations } from "./activations.ts";
import type { Dataset } from "./dataset.ts";
import { score } from "./evaluate.ts";
import type { WeightUnit } from "./model-units.ts";
import { concatFloat32, cosineSimilarity, sqnrDb } from "./quant-math.ts";
import type { TLayerReport, TVariantReport } from "./report-schema.ts";
import type { BuiltVariant } from "./variant-build.ts";

export function errorStats(a: ArrayLike<number>, b: ArrayLike<number>): { sqnrDb: number | null; cosine: number } {
  const sqnr = sqnrDb(a, b);
  return { sqnrDb: Number.isFinite(sqnr) ? sqnr : null, cosine: cosineSimilarity(a, b) };
}

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

export interface AnalysisContext {
  files: ModelFiles;
  units: WeightUnit[];
  /** validation set, else calibration set (agreement only), else nothing */
  scoring: Dataset | undefined;
  reference: ReturnType<typeof score> | undefined;
  analysisX: tf.Tensor | undefined;
  fp32Activations: Map<string, Float32Array>;
  activationNames: string[];
  isLayers: boolean;
  fp32WeightBytes: number;
}

export async function analyseVariant(
  variant: TVariantKind,
  built: BuiltVariant,
  ctx: AnalysisContext,
): Promise<TVariantReport> {
  const scores = ctx.scoring ? score(built.model, ctx.scoring, ctx.reference!.predictions) : undefined;
  const activations = ctx.analysisX
    ? captureActivations(built.model, ctx.files.format, ctx.activationNames, ctx.analysisX)
    : new Map<string, Float32Array>();
  const original = new Map(ctx.files.weights.map((w) => [w.entry.name, w.values]));
  const layers = built.layers.map((layer): TLayerReport => {
    const reference = concatWeights(ctx.files, layer.weights, (n) => original.get(n)!);
    const approx = concatWeights(ctx.files, layer.weights, (n) => built.encoded.dequantized.get(n)!);
    const out: TLayerReport = {
      name: layer.name,
      op: layer.op,
      precision: layer.precision,
      weights: errorStats(reference, approx),
    };
    const a = ctx.fp32Activations.get(layer.name);
    const b = activations.get(layer.name);
    if (a && b) out.activations = errorStats(a, b);
    return out;
  });
  const report: TVariantReport = {
    variant,
    engine: "tfjs",
    dir: variant,
    bytes: { weights: built.encoded.weightBytes, total: 0 },
    ratio: { weights: built.encoded.weightBytes / ctx.fp32WeightBytes, total: 0 },
    ...(scores ? { agreement: scores.agreement } : {}),
    layers,
    quantizeMs: 0,
  };
  if (scores?.accuracy !== undefined && ctx.reference?.accuracy !== undefined) {
    report.accuracy = scores.accuracy;
    report.accuracyDelta = scores.accuracy - ctx.reference.accuracy;
  }
  return report;
}
