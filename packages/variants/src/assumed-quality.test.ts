import { describe, expect, it } from "vitest";
import {
  ASSUMED_QUALITY_TIERS,
  assumedQualityRank,
  compareAssumedQuality,
  compareKindsByAssumedQuality,
} from "./assumed-quality.ts";
import { PRECISIONS, type TPrecision } from "./precisions.ts";
import { VARIANT_KIND_NAMES } from "./variant-kinds.ts";

describe("the assumed-quality order", () => {
  it("puts every precision in exactly one tier", () => {
    const listed = ASSUMED_QUALITY_TIERS.flat();
    expect([...listed].sort()).toEqual([...PRECISIONS].sort());
    expect(new Set(listed).size).toBe(listed.length);
  });

  it("ranks fp32 > fp16 > mixed > int8 = uint8 > int4", () => {
    const sorted = [...PRECISIONS].sort(compareAssumedQuality);
    expect(sorted.slice(0, 3)).toEqual(["fp32", "fp16", "mixed"]);
    expect(sorted.slice(3, 5).sort()).toEqual(["int8", "uint8"]);
    expect(sorted[5]).toBe("int4");
    expect(compareAssumedQuality("int8", "uint8")).toBe(0);
    expect(compareAssumedQuality("fp32", "int4")).toBeLessThan(0);
    expect(compareAssumedQuality("int4", "mixed")).toBeGreaterThan(0);
  });

  it("is a total preorder: every pair compares, antisymmetric, transitive", () => {
    const sign = (a: TPrecision, b: TPrecision) => Math.sign(compareAssumedQuality(a, b));
    for (const a of PRECISIONS) {
      expect(sign(a, a)).toBe(0);
      for (const b of PRECISIONS) {
        expect(Number.isFinite(assumedQualityRank(a))).toBe(true);
        expect(sign(a, b)).toBe(-sign(b, a) || 0);
        for (const c of PRECISIONS) {
          if (sign(a, b) <= 0 && sign(b, c) <= 0) expect(sign(a, c), `${a} ${b} ${c}`).toBeLessThanOrEqual(0);
        }
      }
    }
  });

  it("ranks kinds by their precision", () => {
    const best = [...VARIANT_KIND_NAMES].sort(compareKindsByAssumedQuality);
    expect(best.slice(0, 2).sort()).toEqual(["fp32", "onnx-fp32"]);
    expect(best.at(-1)).toBe("int4-group");
    expect(compareKindsByAssumedQuality("onnx-int8", "int8-channel")).toBe(0);
    expect(compareKindsByAssumedQuality("uint8-tensor", "int8-channel")).toBe(0);
  });
});
