import { describe, expect, it } from "vitest";
import { float16BitsToFloat32, float32ToFloat16Bits, roundToFloat16 } from "./float16.ts";

describe("float16", () => {
  it("encodes exact values and specials bit-exactly", () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(1e6)).toBe(0x7c00); // overflow -> Inf
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(Number.NaN)))).toBe(true);
  });

  it("rounds to nearest with relative error below 2^-11", () => {
    for (const v of [0.1, -3.25159, 1234.567, 0.000123, 7.77e-5]) {
      expect(Math.abs(roundToFloat16(v) - v) / Math.abs(v)).toBeLessThanOrEqual(2 ** -11);
    }
  });

  it("round-trips every finite half value", () => {
    for (let bits = 0; bits < 0x7c00; bits += 7) expect(float32ToFloat16Bits(float16BitsToFloat32(bits))).toBe(bits);
  });
});
