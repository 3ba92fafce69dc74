import type { ModelFiles } from "@fleet/runtime";
import type { TWeightPrecision as TPrecision } from "@fleet/variants";
import { describe, expect, it } from "vitest";
import { chooseMixedPrecision, unitBytes } from "./mixed-precision.ts";
import type { WeightUnit } from "./weight-units.ts";

// two dense layers: "big" (1,000 weights, insensitive) and "small" (100 weights, sensitive)
const files = {
  weights: [
    { entry: { name: "big/kernel", shape: [100, 10], dtype: "float32" }, values: new Float32Array(1000) },
    { entry: { name: "small/kernel", shape: [10, 10], dtype: "float32" }, values: new Float32Array(100) },
  ],
} as unknown as ModelFiles;
const units: WeightUnit[] = ["big", "small"].map((name) => ({
  name,
  op: "Dense",
  weights: [`${name}/kernel`],
  kernels: [{ weight: `${name}/kernel`, channelAxes: 1 }],
}));

/** accuracy model: each layer loses a fixed number of points per precision, losses add up */
const LOSS: Record<string, Record<TPrecision, number>> = {
  big: { fp32: 0, fp16: 0, uint8: 0, int8: 0.05, int4: 0.2 },
  small: { fp32: 0, fp16: 0, uint8: 0, int8: 0.1, int4: 3 },
};

async function choose(budgetPoints: number) {
  const evaluated: string[] = [];
  const choice = await chooseMixedPrecision({
    units,
    files,
    groupSize: 0,
    budgetPoints,
    referenceAccuracy: 95,
    evaluate: async (precisionOf) => {
      const loss = units.reduce((s, u) => s + LOSS[u.name]![precisionOf(u)], 0);
      evaluated.push(units.map((u) => precisionOf(u)).join("/"));
      return { accuracy: 95 - loss, agreement: 100 - loss };
    },
  });
  return { choice, evaluated };
}

describe("mixed precision", () => {
  it("measures each layer alone at fp16, int8 and int4", async () => {
    const { choice } = await choose(0.5);
    expect(choice.sensitivity.map((s) => `${s.layer}@${s.precision}:${+s.accuracyDrop!.toFixed(6)}`)).toEqual([
      "big@fp16:0",
      "big@int8:0.05",
      "big@int4:0.2",
      "small@fp16:0",
      "small@int8:0.1",
      "small@int4:3",
    ]);
  });

  it("upgrades the sensitive layer, keeps the big one at int4, and holds the budget", async () => {
    const { choice } = await choose(0.5);
    expect(Object.fromEntries(choice.precision)).toEqual({ big: "int4", small: "int8" });
    expect(95 - choice.accuracy).toBeLessThanOrEqual(0.5);
  });

  it("a zero budget ends at precisions that lose nothing", async () => {
    const { choice } = await choose(0);
    expect(choice.accuracy).toBe(95);
    expect([...choice.precision.values()].every((p) => p === "fp16" || p === "fp32")).toBe(true);
  });

  it("counts bytes as the encoder writes them", () => {
    expect(unitBytes(units[0]!, "fp32", files, 0)).toBe(4000);
    expect(unitBytes(units[0]!, "int8", files, 0)).toBe(1000 + 10 * 4);
    expect(unitBytes(units[0]!, "int4", files, 32)).toBe(500 + 10 * 4 * 2);
  });
});
