// Decodes one weights-manifest entry to float32. Handles TF.js's own quantization
// ({dtype: uint8|uint16, scale, min} and float16) and Fleet's symmetric int8/int4 with
// per-channel or per-group scales, which TF.js lacks.
import { z } from "zod";
import { RuntimeError } from "./errors.ts";
import { float16BitsToFloat32 } from "./float16.ts";

/** Fleet's symmetric integer scheme; lives under `quantization.fleet` of a weights entry. */
export const ZFleetQuantization = z.object({
  /** how many trailing axes form the output channels (1: Conv2D/Dense, 2: DepthwiseConv2D) */
  channelAxes: z.number().int().min(1),
  /** elements per scale along the reduction axis; 0 = one scale per channel */
  groupSize: z.number().int().nonnegative(),
  scaleDtype: z.enum(["float32", "float16"]),
});
export type TFleetQuantization = z.infer<typeof ZFleetQuantization>;

export const ZWeightEntry = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(["float32", "int32", "bool"]),
  quantization: z
    .object({
      dtype: z.enum(["uint8", "uint16", "float16", "int8", "int4"]),
      scale: z.number().optional(),
      min: z.number().optional(),
      original_dtype: z.string().optional(),
      fleet: ZFleetQuantization.optional(),
    })
    .optional(),
});
export type TWeightEntry = z.infer<typeof ZWeightEntry>;

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** [rows, channels] view of a kernel whose trailing `channelAxes` axes are the output channels. */
export function channelLayout(shape: readonly number[], channelAxes: number): { rows: number; channels: number } {
  const channels = elementCount(shape.slice(shape.length - channelAxes));
  const rows = channels === 0 ? 0 : elementCount(shape) / channels;
  return { rows, channels };
}

export function scaleCount(shape: readonly number[], fleet: TFleetQuantization): number {
  const { rows, channels } = channelLayout(shape, fleet.channelAxes);
  const groupsPerChannel = fleet.groupSize > 0 ? Math.ceil(rows / fleet.groupSize) : 1;
  return channels * groupsPerChannel;
}

/** index into the scales array for element `index` of the row-major tensor */
export function scaleIndex(index: number, rows: number, channels: number, groupSize: number): number {
  const channel = index % channels;
  if (groupSize <= 0) return channel;
  const row = (index - channel) / channels;
  return channel * Math.ceil(rows / groupSize) + Math.floor(row / groupSize);
}

export function entryByteLength(entry: TWeightEntry): number {
  const n = elementCount(entry.shape);
  const q = entry.quantization;
  if (!q) return n * (entry.dtype === "bool" ? 1 : 4);
  switch (q.dtype) {
    case "uint8":
      return n;
    case "uint16":
    case "float16":
      return n * 2;
    case "int8":
    case "int4": {
      const fleet = requireFleet(entry);
      const data = q.dtype === "int8" ? n : Math.ceil(n / 2);
      return data + scaleCount(entry.shape, fleet) * (fleet.scaleDtype === "float32" ? 4 : 2);
    }
  }
}

function requireFleet(entry: TWeightEntry): TFleetQuantization {
  const fleet = entry.quantization?.fleet;
  if (!fleet) {
    throw new RuntimeError(
      "MODEL_JSON_INVALID",
      `weight "${entry.name}": ${entry.quantization?.dtype} quantization needs its "fleet" parameters`,
      entry.name,
    );
  }
  return fleet;
}

function readScales(bytes: Uint8Array, offset: number, count: number, dtype: "float32" | "float16"): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * (dtype === "float32" ? 4 : 2));
  const scales = new Float32Array(count);
  for (let i = 0; i < count; i++)
    scales[i] = dtype === "float32" ? view.getFloat32(i * 4, true) : float16BitsToFloat32(view.getUint16(i * 2, true));
  return scales;
}

/** Decodes `bytes` (exactly entryByteLength(entry) long) into values; rejects NaN/Inf naming the tensor. */
export function decodeWeight(entry: TWeightEntry, bytes: Uint8Array): Float32Array | Int32Array | Uint8Array {
  const n = elementCount(entry.shape);
  const q = entry.quantization;
  const copy = () => new Uint8Array(bytes).buffer; // aligned copy
  if (!q) {
    if (entry.dtype === "int32") return new Int32Array(copy(), 0, n);
    if (entry.dtype === "bool") return new Uint8Array(copy(), 0, n);
    return checkFinite(entry.name, new Float32Array(copy(), 0, n));
  }
  const out = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (q.dtype) {
    case "uint8":
    case "uint16": {
      const { scale, min } = q;
      if (scale === undefined || min === undefined || !Number.isFinite(scale) || !Number.isFinite(min)) {
        throw new RuntimeError(
          "MODEL_JSON_INVALID",
          `weight "${entry.name}": ${q.dtype} quantization needs finite scale and min`,
          entry.name,
        );
      }
      for (let i = 0; i < n; i++)
        out[i] = (q.dtype === "uint8" ? bytes[i]! : view.getUint16(i * 2, true)) * scale + min;
      break;
    }
    case "float16":
      for (let i = 0; i < n; i++) out[i] = float16BitsToFloat32(view.getUint16(i * 2, true));
      break;
    case "int8":
    case "int4": {
      const fleet = requireFleet(entry);
      const { rows, channels } = channelLayout(entry.shape, fleet.channelAxes);
      const dataBytes = q.dtype === "int8" ? n : Math.ceil(n / 2);
      const scales = readScales(bytes, dataBytes, scaleCount(entry.shape, fleet), fleet.scaleDtype);
      for (let i = 0; i < n; i++) {
        let level: number;
        if (q.dtype === "int8") level = (bytes[i]! << 24) >> 24;
        else {
          const nibble = i % 2 === 0 ? bytes[i >> 1]! & 0x0f : bytes[i >> 1]! >> 4;
          level = (nibble << 28) >> 28;
        }
        out[i] = level * scales[scaleIndex(i, rows, channels, fleet.groupSize)]!;
      }
      break;
    }
  }
  return checkFinite(entry.name, out);
}

function checkFinite(name: string, values: Float32Array): Float32Array {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new RuntimeError(
        "WEIGHT_INVALID",
        `weight "${name}": element ${i} is ${values[i]} (NaN/Inf weights are refused)`,
        name,
      );
    }
  }
  return values;
}
