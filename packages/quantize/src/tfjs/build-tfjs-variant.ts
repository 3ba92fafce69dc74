// Builds one TF.js variant in memory from a precision per weight unit: encoded shards, the manifest's
// per-layer precision, and a live (dequantized) model to measure it with.
import {
  buildFromArtifacts,
  toFloat32Artifacts,
  type ModelFiles,
  type TfModel,
  type TLayerPrecision,
} from "@fleet/runtime";
import type { TWeightPrecision as TPrecision } from "@fleet/variants";
import { correctBias } from "./bias-correction.ts";
import { encodeWeights, type EncodedWeights, type WeightPlan } from "./encode-weights.ts";
import type { WeightUnit } from "./weight-units.ts";

export interface BuildSettings {
  /** int4 group size along the reduction axis (0 = per channel) */
  groupSize: number;
  /** per layer: mean of each input channel on the representative data (enables bias correction of int8/int4 kernels) */
  inputMeans?: Map<string, Float64Array>;
}

export interface BuiltTfjsVariant {
  encoded: EncodedWeights;
  layers: TLayerPrecision[];
  model: TfModel;
}

/** the precision a unit really gets: integer kernels need a kernel to apply to */
export function effectivePrecision(unit: WeightUnit, precision: TPrecision): TPrecision {
  return (precision === "int8" || precision === "int4") && unit.kernels.length === 0 ? "fp32" : precision;
}

function planner(
  units: WeightUnit[],
  precisionOf: (unit: WeightUnit) => TPrecision,
  settings: BuildSettings,
): (name: string) => WeightPlan {
  const plans = new Map<string, WeightPlan>();
  for (const unit of units) {
    const precision = effectivePrecision(unit, precisionOf(unit));
    for (const weight of unit.weights) {
      const kernel = unit.kernels.find((k) => k.weight === weight);
      if (precision === "int8" || precision === "int4") {
        plans.set(
          weight,
          kernel
            ? { precision, channelAxes: kernel.channelAxes, groupSize: settings.groupSize }
            : { precision: "fp32" },
        );
      } else plans.set(weight, { precision });
    }
  }
  return (name) => plans.get(name) ?? { precision: "fp32" };
}

export async function buildTfjsVariant(
  files: ModelFiles,
  units: WeightUnit[],
  precisionOf: (unit: WeightUnit) => TPrecision,
  settings: BuildSettings,
): Promise<BuiltTfjsVariant> {
  const plan = planner(units, precisionOf, settings);
  let encoded = encodeWeights(files, plan);
  const corrected = new Set<string>();
  if (settings.inputMeans) {
    const replacements = new Map<string, Float32Array>();
    const original = new Map(files.weights.map((w) => [w.entry.name, w]));
    for (const unit of units) {
      const means = settings.inputMeans.get(unit.name);
      const kernel = unit.kernels[0];
      const precision = effectivePrecision(unit, precisionOf(unit));
      if (
        !means ||
        !unit.bias ||
        !kernel ||
        unit.kernels.length !== 1 ||
        (precision !== "int8" && precision !== "int4")
      )
        continue;
      const k = original.get(kernel.weight)!;
      const b = original.get(unit.bias)!;
      replacements.set(
        unit.bias,
        correctBias(
          b.values as Float32Array,
          k.values as Float32Array,
          encoded.dequantized.get(kernel.weight) as Float32Array,
          k.entry.shape,
          kernel.channelAxes,
          means,
        ),
      );
      corrected.add(unit.name);
    }
    if (replacements.size > 0) encoded = encodeWeights(files, plan, replacements);
  }
  const layers = units.map((unit): TLayerPrecision => {
    const layer: TLayerPrecision = {
      name: unit.name,
      op: unit.op,
      precision: effectivePrecision(unit, precisionOf(unit)),
      weights: unit.weights,
    };
    if (layer.precision === "int4") layer.groupSize = settings.groupSize;
    if (layer.precision === "int8" || layer.precision === "int4") layer.biasCorrected = corrected.has(unit.name);
    return layer;
  });
  const model = await dequantizedModel(files, encoded);
  return { encoded, layers, model };
}

export async function dequantizedModel(files: ModelFiles, encoded: EncodedWeights): Promise<TfModel> {
  const weights = files.weights.map((w) => ({
    entry: { name: w.entry.name, shape: w.entry.shape, dtype: w.entry.dtype },
    values: encoded.dequantized.get(w.entry.name) ?? w.values,
  }));
  return buildFromArtifacts(toFloat32Artifacts(files.modelJson, weights), files.format);
}
