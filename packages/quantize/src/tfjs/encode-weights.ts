// Encodes a model's float32 weights by a per-tensor plan into TF.js weight shards and a new
// weights manifest (stock quantization entries for fp16/uint8, Fleet entries for int8/int4).
import {
  decodeWeight,
  float32ToFloat16Bits,
  type ModelFiles,
  type TModelJson,
  type TWeightEntry,
} from "@fleet/runtime";
import type { TWeightPrecision as TPrecision } from "@fleet/variants";
import { quantizeAffineUint8, quantizeSymmetric } from "./quant-math.ts";

export interface WeightPlan {
  precision: TPrecision;
  /** int8/int4 only: trailing channel axes of the kernel */
  channelAxes?: number;
  /** int4 only: group size (0 = per channel) */
  groupSize?: number;
}

export interface EncodedWeights {
  modelJson: TModelJson;
  shards: { path: string; bytes: Uint8Array }[];
  /** what the runtime will decode, per weight name, for error analysis and in-memory models */
  dequantized: Map<string, Float32Array | Int32Array | Uint8Array>;
  /** bytes of the weight data (all shards) */
  weightBytes: number;
}

/** TF.js's own default shard size */
export const SHARD_BYTES = 4 * 1024 * 1024;

function float16Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint16(i * 2, float32ToFloat16Bits(v), true));
  return out;
}

function symmetricBytes(levels: Int8Array, scales: Float32Array, bits: 4 | 8, float16Scales: boolean): Uint8Array {
  const dataBytes = bits === 8 ? levels.length : Math.ceil(levels.length / 2);
  const out = new Uint8Array(dataBytes + scales.length * (float16Scales ? 2 : 4));
  if (bits === 8) out.set(new Uint8Array(levels.buffer, levels.byteOffset, levels.length));
  else levels.forEach((q, i) => (out[i >> 1] = out[i >> 1]! | ((q & 0x0f) << (i % 2 === 0 ? 0 : 4))));
  const view = new DataView(out.buffer, dataBytes);
  scales.forEach((s, i) =>
    float16Scales ? view.setUint16(i * 2, float32ToFloat16Bits(s), true) : view.setFloat32(i * 4, s, true),
  );
  return out;
}

/** Encodes one tensor; `dequantized` is decoded back from the bytes by the runtime's own decoder, so analysis sees exactly what devices run. */
function encodeOne(
  entry: TWeightEntry,
  values: Float32Array,
  plan: WeightPlan,
): { spec: TWeightEntry; bytes: Uint8Array; dequantized: Float32Array } {
  const { spec, bytes } = encodeBytes(entry, values, plan);
  return { spec, bytes, dequantized: decodeWeight(spec, bytes) as Float32Array };
}

function encodeBytes(
  entry: TWeightEntry,
  values: Float32Array,
  plan: WeightPlan,
): { spec: TWeightEntry; bytes: Uint8Array } {
  const base: TWeightEntry = { name: entry.name, shape: entry.shape, dtype: "float32" };
  switch (plan.precision) {
    case "fp32":
      return {
        spec: base,
        bytes: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)),
      };
    case "fp16":
      return {
        spec: { ...base, quantization: { dtype: "float16", original_dtype: "float32" } },
        bytes: float16Bytes(values),
      };
    case "uint8": {
      const q = quantizeAffineUint8(values);
      return {
        spec: { ...base, quantization: { dtype: "uint8", scale: q.scale, min: q.min, original_dtype: "float32" } },
        bytes: q.bytes,
      };
    }
    case "int8":
    case "int4": {
      const bits = plan.precision === "int8" ? 8 : 4;
      const channelAxes = plan.channelAxes ?? 1;
      const groupSize = bits === 8 ? 0 : (plan.groupSize ?? 0);
      const float16Scales = bits === 4;
      const q = quantizeSymmetric(values, entry.shape, {
        bits,
        channelAxes,
        groupSize,
        float16Scales,
        searchClip: bits === 4,
      });
      return {
        spec: {
          ...base,
          quantization: {
            dtype: plan.precision,
            original_dtype: "float32",
            fleet: { channelAxes, groupSize, scaleDtype: float16Scales ? "float16" : "float32" },
          },
        },
        bytes: symmetricBytes(q.levels, q.scales, bits, float16Scales),
      };
    }
  }
}

export function encodeWeights(
  files: ModelFiles,
  planFor: (name: string) => WeightPlan,
  replacements = new Map<string, Float32Array>(),
): EncodedWeights {
  const specs: TWeightEntry[] = [];
  const chunks: Uint8Array[] = [];
  const dequantized = new Map<string, Float32Array | Int32Array | Uint8Array>();
  for (const { entry, values } of files.weights) {
    if (!(values instanceof Float32Array)) {
      specs.push({ name: entry.name, shape: entry.shape, dtype: entry.dtype });
      chunks.push(new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)));
      dequantized.set(entry.name, values);
      continue;
    }
    const encoded = encodeOne(entry, replacements.get(entry.name) ?? values, planFor(entry.name));
    specs.push(encoded.spec);
    chunks.push(encoded.bytes);
    dequantized.set(entry.name, encoded.dequantized);
  }
  const total = chunks.reduce((s, c) => s + c.byteLength, 0);
  const all = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const shardCount = Math.max(1, Math.ceil(total / SHARD_BYTES));
  const shards = Array.from({ length: shardCount }, (_, i) => ({
    path: `group1-shard${i + 1}of${shardCount}.bin`,
    bytes: all.subarray(i * SHARD_BYTES, Math.min(total, (i + 1) * SHARD_BYTES)),
  }));
  const modelJson: TModelJson = {
    ...files.modelJson,
    weightsManifest: [{ paths: shards.map((s) => s.path), weights: specs }],
  };
  return { modelJson, shards, dequantized, weightBytes: total };
}
