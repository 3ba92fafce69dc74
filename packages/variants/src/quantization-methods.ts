// Quantization methods: how a variant's weights (and, for full-integer graphs, activations) are
// turned into fewer bits, named after what they do. Not to be confused with the calibration method
// (minmax, percentile, mse) that measures activation ranges for the methods that need them.
import { z } from "zod";

export const QUANTIZATION_METHODS = {
  none: "no quantization: the float32 weights as trained (the reference every other kind is measured against)",
  "float-cast": "every float weight rounded to a narrower float (float16); no scales",
  "affine-per-tensor":
    "asymmetric affine integers, one scale and minimum per tensor, zero exactly representable (the TF.js converter's arithmetic)",
  "symmetric-per-channel": "symmetric integers (zero point 0), one scale per output channel of each kernel",
  "symmetric-per-group":
    "symmetric integers, one float16 scale per group of elements along the reduction axis of each output channel, clipping searched per group",
  "budgeted-mixed":
    "a precision per layer: starting from int4, the layer buying back the most accuracy per byte is upgraded until the model is within an accuracy budget of fp32",
  "full-integer-qlinear":
    "weights and activations in integers: QLinear operators with per-channel symmetric int8 weights, int32 biases and calibrated uint8 activations",
} as const satisfies Record<string, string>;

export type TQuantizationMethod = keyof typeof QUANTIZATION_METHODS;
export const QUANTIZATION_METHOD_NAMES = Object.keys(QUANTIZATION_METHODS) as [
  TQuantizationMethod,
  ...TQuantizationMethod[],
];
export const ZQuantizationMethod = z.enum(QUANTIZATION_METHOD_NAMES);
