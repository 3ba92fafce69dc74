import { describe, expect, it } from "vitest";
import { channelMeans, correctBias } from "./bias-correction.ts";

describe("bias correction", () => {
  it("removes the mean output shift that the weight error causes (dense)", () => {
    // y = x·W + b with x of 3 features, W [3, 2]
    const w = Float32Array.from([0.3, -0.2, 0.5, 0.1, -0.4, 0.7]);
    const wq = Float32Array.from([0.25, -0.25, 0.5, 0.0, -0.5, 0.75]);
    const b = Float32Array.from([0.1, -0.1]);
    const inputs = Float32Array.from([1, 2, 3, 3, 2, 1]); // two samples
    const means = channelMeans(inputs, 3);
    expect(Array.from(means)).toEqual([2, 2, 2]);
    const corrected = correctBias(b, w, wq, [3, 2], 1, means);
    const meanOut = (kernel: Float32Array, bias: Float32Array, o: number) =>
      [0, 1].reduce(
        (s, n) => s + [0, 1, 2].reduce((t, i) => t + inputs[n * 3 + i]! * kernel[i * 2 + o]!, bias[o]!),
        0,
      ) / 2;
    for (const o of [0, 1]) expect(meanOut(wq, corrected, o)).toBeCloseTo(meanOut(w, b, o), 6);
  });

  it("maps depthwise channels (in, mult) to their own input channel", () => {
    // kernel [1, 1, 2 in, 2 mult]: channel c*2+m reads input c
    const w = Float32Array.from([1, 1, 1, 1]);
    const wq = Float32Array.from([1.5, 1, 1, 0.5]);
    const corrected = correctBias(new Float32Array(4), w, wq, [1, 1, 2, 2], 2, Float64Array.from([2, 10]));
    expect(Array.from(corrected)).toEqual([-1, 0, 0, 5]);
  });
});
