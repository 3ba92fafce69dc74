// The one table of variant kinds. A kind is a way of turning a float32 model into files a device
// runs: which engine runs it, at which precision, by which quantization method, in which file
// format. Everything else (manifest and report schemas, the wire, the database, the console's
// choice) derives from these rows, so a new kind (QAT, QDQ for accelerators, a ladder of
// variants…) is one more row here.
import { z } from "zod";
import type { TEngine } from "./engines.ts";
import type { TFileFormat } from "./file-formats.ts";
import type { TPrecision } from "./precisions.ts";
import type { TQuantizationMethod } from "./quantization-methods.ts";

export interface TVariantKindRow {
  readonly engine: TEngine;
  readonly precision: TPrecision;
  readonly method: TQuantizationMethod;
  readonly fileFormat: TFileFormat;
  /** One line for operators and --help. */
  readonly description: string;
}

// Order matters: it is the order fleet-quantize writes variants in and help texts list them.
export const VARIANT_KINDS = {
  fp32: {
    engine: "tfjs",
    precision: "fp32",
    method: "none",
    fileFormat: "tfjs-model",
    description: "the float32 model as given, with a manifest like the others (the baseline)",
  },
  fp16: {
    engine: "tfjs",
    precision: "fp16",
    method: "float-cast",
    fileFormat: "tfjs-model",
    description: "every float tensor stored as float16 (TF.js's own format)",
  },
  "uint8-tensor": {
    engine: "tfjs",
    precision: "uint8",
    method: "affine-per-tensor",
    fileFormat: "tfjs-model",
    description: "every float tensor affine uint8, one scale per tensor (the TF.js converter's format)",
  },
  "int8-channel": {
    engine: "tfjs",
    precision: "int8",
    method: "symmetric-per-channel",
    fileFormat: "tfjs-model",
    description: "conv and dense kernels symmetric int8 per output channel, biases float32 (bias-corrected given data)",
  },
  "int4-group": {
    engine: "tfjs",
    precision: "int4",
    method: "symmetric-per-group",
    fileFormat: "tfjs-model",
    description: "conv and dense kernels 4-bit, two per byte, a float16 scale per group of elements",
  },
  mixed: {
    engine: "tfjs",
    precision: "mixed",
    method: "budgeted-mixed",
    fileFormat: "tfjs-model",
    description:
      "a precision per layer among fp32, fp16, int8 and int4 within an accuracy budget (needs validation data)",
  },
  "onnx-fp32": {
    engine: "onnx",
    precision: "fp32",
    method: "none",
    fileFormat: "onnx-model",
    description: "the float32 model exported to ONNX",
  },
  "onnx-fp16": {
    engine: "onnx",
    precision: "fp16",
    method: "float-cast",
    fileFormat: "onnx-model",
    description: "the ONNX export with conv and dense weights stored as float16",
  },
  "onnx-int8": {
    engine: "onnx",
    precision: "int8",
    method: "full-integer-qlinear",
    fileFormat: "onnx-model",
    description: "a full-integer ONNX graph on ONNX Runtime's integer kernels (needs calibration data)",
  },
} as const satisfies Record<string, TVariantKindRow>;

export type TVariantKind = keyof typeof VARIANT_KINDS;
export const VARIANT_KIND_NAMES = Object.keys(VARIANT_KINDS) as [TVariantKind, ...TVariantKind[]];
export const ZVariantKind = z.enum(VARIANT_KIND_NAMES);

/** The kinds one engine runs, e.g. `"onnx-fp32" | "onnx-fp16" | "onnx-int8"` for onnx. */
export type TVariantKindOn<E extends TEngine> = {
  [K in TVariantKind]: (typeof VARIANT_KINDS)[K]["engine"] extends E ? K : never;
}[TVariantKind];

/** The row of a kind: engine, precision, method, file format, description. */
export function variantKind<K extends TVariantKind>(kind: K): (typeof VARIANT_KINDS)[K] {
  return VARIANT_KINDS[kind];
}

/** The engine that runs a kind. */
export function engineOf(kind: TVariantKind): TEngine {
  return VARIANT_KINDS[kind].engine;
}

/** The precision of a kind (`mixed` for the kind whose layers differ). */
export function precisionOf<K extends TVariantKind>(kind: K): (typeof VARIANT_KINDS)[K]["precision"] {
  return VARIANT_KINDS[kind].precision;
}

/** The kinds of one engine, in table order. */
export function variantKindsOn<E extends TEngine>(engine: E): TVariantKindOn<E>[] {
  return VARIANT_KIND_NAMES.filter((kind): kind is TVariantKindOn<E> => VARIANT_KINDS[kind].engine === engine);
}

export function isVariantKindOn<E extends TEngine>(engine: E, kind: TVariantKind): kind is TVariantKindOn<E> {
  return VARIANT_KINDS[kind].engine === engine;
}
