import { channelLayout } from "@fleet/runtime";
import { describe, expect, it } from "vitest";
import {
  activationQuantParams,
  cosineSimilarity,
  quantizeAffineUint8,
  quantizeSymmetric,
  sqnrDb,
} from "./quant-math.ts";

describe("quantizeSymmetric", () => {
  it("gives each output channel its own int8 scale (max |w| / 127)", () => {
    // [2 rows, 2 channels]: channel 0 is tiny, channel 1 is large; per-tensor would crush channel 0
    const w = Float32Array.from([0.01, 10, -0.02, -5]);
    const q = quantizeSymmetric(w, [2, 2], {
      bits: 8,
      channelAxes: 1,
      groupSize: 0,
      float16Scales: false,
      searchClip: false,
    });
    expect(q.scales[0]).toBeCloseTo(0.02 / 127, 9);
    expect(q.scales[1]).toBeCloseTo(10 / 127, 7);
    expect(Array.from(q.levels)).toEqual([64, 127, -127, -63]); // -63.5 rounds half up
    expect(sqnrDb(w.subarray(0, 1), q.dequantized.subarray(0, 1))).toBeGreaterThan(40);
  });

  it("keeps int4 levels within [-7, 7] and uses one scale per group", () => {
    const w = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * (i < 32 ? 1 : 100));
    const q = quantizeSymmetric(w, [64, 1], {
      bits: 4,
      channelAxes: 1,
      groupSize: 32,
      float16Scales: true,
      searchClip: true,
    });
    expect(q.scales.length).toBe(2);
    expect(Math.max(...Array.from(q.levels).map(Math.abs))).toBeLessThanOrEqual(7);
    expect(q.scales[1]! / q.scales[0]!).toBeGreaterThan(50); // the groups did not share a scale
  });

  it("clip search never makes the squared error worse than max-abs scaling", () => {
    const w = Float32Array.from({ length: 256 }, (_, i) => (i === 0 ? 8 : Math.sin(i * 7.1)));
    const opts = { bits: 4, channelAxes: 1, groupSize: 0, float16Scales: false } as const;
    const plain = quantizeSymmetric(w, [256, 1], { ...opts, searchClip: false });
    const searched = quantizeSymmetric(w, [256, 1], { ...opts, searchClip: true });
    expect(sqnrDb(w, searched.dequantized)).toBeGreaterThanOrEqual(sqnrDb(w, plain.dequantized));
  });

  it("treats depthwise kernels [kh, kw, in, mult] as in*mult channels", () => {
    expect(channelLayout([3, 3, 8, 2], 2)).toEqual({ rows: 9, channels: 16 });
  });
});

describe("quantizeAffineUint8", () => {
  it("follows the TF.js converter: range holds 0 and 0 is exact", () => {
    const w = Float32Array.from([0.5, 1, 2, 0]);
    const q = quantizeAffineUint8(w);
    expect(q.min).toBe(0); // all positive -> min forced to 0
    expect(q.dequantized[3]).toBe(0);
    const mixed = quantizeAffineUint8(Float32Array.from([-1, 0, 3]));
    expect(mixed.dequantized[1]).toBeCloseTo(0, 6);
    expect(Math.abs(mixed.dequantized[2]! - 3)).toBeLessThanOrEqual(mixed.scale / 2 + 1e-6);
  });
});

describe("error measures", () => {
  it("SQNR is infinite for exact copies and 20 dB for 10% noise", () => {
    const a = Float32Array.from([1, -1, 1, -1]);
    expect(sqnrDb(a, a)).toBe(Number.POSITIVE_INFINITY);
    expect(
      sqnrDb(
        a,
        a.map((v) => v * 1.1),
      ),
    ).toBeCloseTo(20, 4);
    expect(
      cosineSimilarity(
        a,
        a.map((v) => -v),
      ),
    ).toBeCloseTo(-1, 9);
  });

  it("activation parameters widen the range to hold zero", () => {
    const p = activationQuantParams(0.5, 2);
    expect(p.min).toBe(0);
    expect(p.zeroPoint).toBe(0);
    expect(p.scale).toBeCloseTo(2 / 255, 9);
  });
});
