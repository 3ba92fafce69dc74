import { describe, expect, it } from "vitest";
import { isRuntimeError } from "./errors.ts";
import { float32ToFloat16Bits } from "./float16.ts";
import { decodeWeight, entryByteLength, scaleCount, scaleIndex, type TWeightEntry } from "./weight-codec.ts";

function bytesOf(...parts: (Uint8Array | Float32Array | Uint16Array)[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), o);
    o += p.byteLength;
  }
  return out;
}

describe("decodeWeight", () => {
  it("decodes TF.js affine uint8 as q * scale + min", () => {
    const entry: TWeightEntry = {
      name: "w",
      shape: [3],
      dtype: "float32",
      quantization: { dtype: "uint8", scale: 0.5, min: -1 },
    };
    expect(Array.from(decodeWeight(entry, Uint8Array.from([0, 2, 255])))).toEqual([-1, 0, 126.5]);
  });

  it("decodes float16", () => {
    const entry: TWeightEntry = { name: "w", shape: [2], dtype: "float32", quantization: { dtype: "float16" } };
    const halves = Uint16Array.from([float32ToFloat16Bits(1.5), float32ToFloat16Bits(-0.25)]);
    expect(Array.from(decodeWeight(entry, bytesOf(halves)))).toEqual([1.5, -0.25]);
  });

  it("decodes int8 with one scale per output channel (last axis)", () => {
    // shape [2, 3]: rows = 2 inputs, channels = 3 outputs
    const entry: TWeightEntry = {
      name: "k",
      shape: [2, 3],
      dtype: "float32",
      quantization: { dtype: "int8", fleet: { channelAxes: 1, groupSize: 0, scaleDtype: "float32" } },
    };
    const levels = Int8Array.from([1, -2, 3, -127, 0, 127]);
    const scales = Float32Array.from([0.5, 1, 2]);
    const bytes = bytesOf(new Uint8Array(levels.buffer), scales);
    expect(bytes.byteLength).toBe(entryByteLength(entry));
    expect(Array.from(decodeWeight(entry, bytes))).toEqual([0.5, -2, 6, -63.5, 0, 254]);
  });

  it("decodes int4 packed two per byte with per-group float16 scales", () => {
    // shape [4, 1]: one channel, groups of 2 rows -> 2 scales
    const entry: TWeightEntry = {
      name: "k",
      shape: [4, 1],
      dtype: "float32",
      quantization: { dtype: "int4", fleet: { channelAxes: 1, groupSize: 2, scaleDtype: "float16" } },
    };
    expect(scaleCount(entry.shape, entry.quantization!.fleet!)).toBe(2);
    const packed = Uint8Array.from([(1 & 0xf) | ((-1 & 0xf) << 4), (7 & 0xf) | ((-8 & 0xf) << 4)]);
    const scales = Uint16Array.from([float32ToFloat16Bits(0.5), float32ToFloat16Bits(2)]);
    expect(Array.from(decodeWeight(entry, bytesOf(packed, scales)))).toEqual([0.5, -0.5, 14, -16]);
  });

  it("maps elements to per-group scales channel-major", () => {
    // rows 5, channels 2, group 2 -> 3 groups per channel
    expect([0, 1, 2, 3, 4, 5, 8, 9].map((i) => scaleIndex(i, 5, 2, 2))).toEqual([0, 3, 0, 3, 1, 4, 2, 5]);
  });

  it("refuses NaN and Inf weights naming the tensor", () => {
    const entry: TWeightEntry = { name: "dense/kernel", shape: [2], dtype: "float32" };
    try {
      decodeWeight(entry, bytesOf(Float32Array.from([1, Number.NaN])));
      expect.unreachable();
    } catch (error) {
      expect(isRuntimeError(error, "WEIGHT_INVALID")).toBe(true);
      expect((error as Error).message).toContain('"dense/kernel"');
    }
  });
});
