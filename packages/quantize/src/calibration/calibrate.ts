// Activation ranges from representative data: min-max, percentile, or the range that minimises
// the uint8 fake-quantization MSE. Stored in the manifest for full-integer inference.
import * as tf from "@tensorflow/tfjs";
import type { TActivationRange } from "@fleet/runtime";
import { activationQuantParams } from "../tfjs/quant-math.ts";

export type CalibrationMethod = "minmax" | "percentile" | "mse";
export const CALIBRATION_METHODS: CalibrationMethod[] = ["minmax", "percentile", "mse"];

/** values per layer kept for the percentile / MSE searches (strided sample: deterministic) */
const MAX_SAMPLES = 200_000;
const PERCENTILE = 99.99;

function strided(values: Float32Array): Float32Array {
  if (values.length <= MAX_SAMPLES) return values;
  const step = values.length / MAX_SAMPLES;
  return Float32Array.from({ length: MAX_SAMPLES }, (_, i) => values[Math.floor(i * step)]!);
}

function fakeQuantMse(values: Float32Array, min: number, max: number): number {
  const { scale, zeroPoint } = activationQuantParams(min, max);
  let error = 0;
  for (const v of values) {
    const q = Math.max(0, Math.min(255, Math.round(v / scale) + zeroPoint));
    error += ((q - zeroPoint) * scale - v) ** 2;
  }
  return error / values.length;
}

export function calibrateRange(values: Float32Array, method: CalibrationMethod): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (method === "minmax" || values.length === 0) return { min, max };
  const sample = strided(values);
  if (method === "percentile") {
    const sorted = Float32Array.from(sample).sort();
    const at = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))))]!;
    return { min: at(100 - PERCENTILE), max: at(PERCENTILE) };
  }
  let best = { min, max, error: fakeQuantMse(sample, min, max) };
  for (let ratio = 0.95; ratio >= 0.2; ratio -= 0.05) {
    const candidate = { min: min * ratio, max: max * ratio };
    const error = fakeQuantMse(sample, candidate.min, candidate.max);
    if (error < best.error) best = { ...candidate, error };
  }
  return { min: best.min, max: best.max };
}

export function toActivationRange(layer: string, range: { min: number; max: number }): TActivationRange {
  const params = activationQuantParams(range.min, range.max);
  return { layer, min: params.min, max: params.max, scale: params.scale, zeroPoint: params.zeroPoint };
}

export function calibrateAll(activations: Map<string, Float32Array>, method: CalibrationMethod): TActivationRange[] {
  return [...activations].map(([layer, values]) => toActivationRange(layer, calibrateRange(values, method)));
}

/** uint8 fake quantization with a calibrated range (what an integer kernel would see) */
export function fakeQuantize(x: tf.Tensor, range: TActivationRange): tf.Tensor {
  return tf.tidy(() =>
    x.div(range.scale).round().add(range.zeroPoint).clipByValue(0, 255).sub(range.zeroPoint).mul(range.scale),
  );
}
