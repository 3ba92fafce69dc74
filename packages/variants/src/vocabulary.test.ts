import { describe, expect, expectTypeOf, it } from "vitest";
import { ENGINE_DESCRIPTIONS, ENGINES, ZEngine, type TEngine } from "./engines.ts";
import { fileFormatOfModelFormat, MODEL_FORMATS, ZModelFormat } from "./file-formats.ts";
import {
  isWeightPrecision,
  PRECISIONS,
  WEIGHT_PRECISIONS,
  ZPrecision,
  ZWeightPrecision,
  type TPrecision,
} from "./precisions.ts";
import { QUANTIZATION_METHODS, ZQuantizationMethod } from "./quantization-methods.ts";
import { VARIANT_KINDS } from "./variant-kinds.ts";

describe("the vocabulary's enums", () => {
  it("spells engines and precisions once, in lower case", () => {
    expect(ZEngine.options).toEqual(["tfjs", "onnx"]);
    expect(ZPrecision.options).toEqual(["fp32", "fp16", "uint8", "int8", "int4", "mixed"]);
    for (const term of [...ENGINES, ...PRECISIONS]) expect(term).toBe(term.toLowerCase());
    expect(ZPrecision.safeParse("FP32").success).toBe(false);
    expect(ZEngine.safeParse("TFJS").success).toBe(false);
    expectTypeOf<TEngine>().toEqualTypeOf<"tfjs" | "onnx">();
    expectTypeOf<TPrecision>().toEqualTypeOf<"fp32" | "fp16" | "uint8" | "int8" | "int4" | "mixed">();
    expect(Object.keys(ENGINE_DESCRIPTIONS)).toEqual([...ENGINES]);
  });

  it("has a weight precision for every precision but mixed", () => {
    expect(ZWeightPrecision.options).toEqual(PRECISIONS.filter((p) => p !== "mixed"));
    expect(WEIGHT_PRECISIONS.every(isWeightPrecision)).toBe(true);
    expect(isWeightPrecision("mixed")).toBe(false);
  });

  it("uses every method and every precision in some kind (no dead words)", () => {
    const rows = Object.values(VARIANT_KINDS);
    for (const method of ZQuantizationMethod.options) expect(rows.map((r) => r.method)).toContain(method);
    for (const precision of PRECISIONS) expect(rows.map((r) => r.precision)).toContain(precision);
    for (const engine of ENGINES) expect(rows.map((r) => r.engine)).toContain(engine);
    expect(ZQuantizationMethod.options).toEqual(Object.keys(QUANTIZATION_METHODS));
  });

  it("maps every manifest modelFormat to one file format", () => {
    expect(ZModelFormat.options).toEqual(["layers-model", "graph-model", "onnx"]);
    expect(MODEL_FORMATS.map(fileFormatOfModelFormat)).toEqual(["tfjs-model", "tfjs-model", "onnx-model"]);
  });
});
