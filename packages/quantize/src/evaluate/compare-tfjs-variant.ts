// What a TF.js variant keeps of fp32: accuracy, agreement with fp32, and per-layer SQNR / cosine of
// weights and of activations against fp32 (the onnx variants are compared in pipeline/quantize-onnx-variant.ts).
import type * as tf from "@tensorflow/tfjs";
import type { ModelFiles } from "@fleet/runtime";
import type { TVariantKind } from "@fleet/variants";
import { captureActivations } from "../calibration/capture-activations.ts";
import type { Dataset } from "../inputs/dataset.ts";
import { scoreTfModel, type Scores } from "./score.ts";
import { concatWeights, errorStats } from "./layer-error.ts";
import type { WeightUnit } from "../tfjs/weight-units.ts";
import type { TLayerReport, TVariantReport } from "../pipeline/report-schema.ts";
import type { BuiltTfjsVariant } from "../tfjs/build-tfjs-variant.ts";

export interface TfjsComparisonContext {
  files: ModelFiles;
  units: WeightUnit[];
  /** validation set, else calibration set (agreement only), else nothing */
  scoring: Dataset | undefined;
  reference: Scores | undefined;
  analysisX: tf.Tensor | undefined;
  fp32Activations: Map<string, Float32Array>;
  activationNames: string[];
  isLayers: boolean;
  fp32WeightBytes: number;
}

export async function compareTfjsVariant(
  variant: TVariantKind,
  built: BuiltTfjsVariant,
  ctx: TfjsComparisonContext,
): Promise<TVariantReport> {
  const scores = ctx.scoring ? scoreTfModel(built.model, ctx.scoring, ctx.reference!.predictions) : undefined;
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
