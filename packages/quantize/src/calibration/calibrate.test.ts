import { describe, expect, it } from "vitest";
import { calibrateRange } from "./calibrate.ts";
import { activationQuantParams } from "../tfjs/quant-math.ts";

function fakeQuantMse(values: Float32Array, range: { min: number; max: number }): number {
  const { scale, zeroPoint } = activationQuantParams(range.min, range.max);
  return (
    values.reduce(
      (s, v) => s + ((Math.max(0, Math.min(255, Math.round(v / scale) + zeroPoint)) - zeroPoint) * scale - v) ** 2,
      0,
    ) / values.length
  );
}

describe("activation calibration", () => {
  // ReLU-like activations with one huge outlier
  const outlier = Float32Array.from({ length: 20_000 }, (_, i) => (i === 0 ? 100 : Math.abs(Math.sin(i)) * 4));
  // heavy-tailed (exponential) activations, deterministic
  const tail = Float32Array.from({ length: 20_000 }, (_, i) => Math.log(1 - ((i * 0.618034) % 1)) ** 2);

  it("min-max keeps the outlier", () => {
    const range = calibrateRange(outlier, "minmax");
    expect(range.min).toBeCloseTo(0, 3);
    expect(range.max).toBe(100);
  });

  it("percentile clips the outlier away", () => {
    expect(calibrateRange(outlier, "percentile").max).toBeLessThan(5);
  });

  it("MSE never has more fake-quantization error than min-max", () => {
    for (const values of [outlier, tail]) {
      const mse = calibrateRange(values, "mse");
      const minmax = calibrateRange(values, "minmax");
      expect(mse.max).toBeLessThanOrEqual(minmax.max);
      expect(fakeQuantMse(values, mse)).toBeLessThanOrEqual(fakeQuantMse(values, minmax));
    }
  });
});
