import { describe, expect, expectTypeOf, it } from "vitest";
import { ENGINES, type TEngine } from "./engines.ts";
import { FILE_FORMAT_NAMES, FILE_FORMATS } from "./file-formats.ts";
import { PRECISIONS } from "./precisions.ts";
import { QUANTIZATION_METHOD_NAMES } from "./quantization-methods.ts";
import {
  engineOf,
  isVariantKindOn,
  precisionOf,
  VARIANT_KIND_NAMES,
  VARIANT_KINDS,
  variantKindsOn,
  ZVariantKind,
  type TVariantKind,
  type TVariantKindOn,
} from "./variant-kinds.ts";

describe("VARIANT_KINDS", () => {
  it("gives every kind an engine, a precision, a method, a file format and a one-line description", () => {
    for (const [kind, row] of Object.entries(VARIANT_KINDS)) {
      expect(ENGINES, kind).toContain(row.engine);
      expect(PRECISIONS, kind).toContain(row.precision);
      expect(QUANTIZATION_METHOD_NAMES, kind).toContain(row.method);
      expect(FILE_FORMAT_NAMES, kind).toContain(row.fileFormat);
      expect(row.description.length, kind).toBeGreaterThan(10);
      expect(row.description, kind).not.toMatch(/\n/);
    }
  });

  it("derives the zod enum from the table, in table order", () => {
    expect(ZVariantKind.options).toEqual(Object.keys(VARIANT_KINDS));
    expect(VARIANT_KIND_NAMES).toEqual(Object.keys(VARIANT_KINDS));
    expect(ZVariantKind.safeParse("onnx-int8").success).toBe(true);
    expect(ZVariantKind.safeParse("int8").success).toBe(false);
    expect(ZVariantKind.safeParse("ONNX-INT8").success).toBe(false);
    expectTypeOf<TVariantKind>().toEqualTypeOf<
      | "fp32"
      | "fp16"
      | "uint8-tensor"
      | "int8-channel"
      | "int4-group"
      | "mixed"
      | "onnx-fp32"
      | "onnx-fp16"
      | "onnx-int8"
    >();
  });

  it("keeps today's kinds on today's engines and precisions", () => {
    expect(
      Object.fromEntries(VARIANT_KIND_NAMES.map((kind) => [kind, `${engineOf(kind)} ${precisionOf(kind)}`])),
    ).toEqual({
      fp32: "tfjs fp32",
      fp16: "tfjs fp16",
      "uint8-tensor": "tfjs uint8",
      "int8-channel": "tfjs int8",
      "int4-group": "tfjs int4",
      mixed: "tfjs mixed",
      "onnx-fp32": "onnx fp32",
      "onnx-fp16": "onnx fp16",
      "onnx-int8": "onnx int8",
    });
  });

  it("runs every kind on an engine that reads its file format", () => {
    // one engine per file format today; a second engine for a format would be a deliberate change here
    const engineOfFormat = new Map<string, TEngine>();
    for (const kind of VARIANT_KIND_NAMES) {
      const { engine, fileFormat } = VARIANT_KINDS[kind];
      expect(engineOfFormat.get(fileFormat) ?? engine, kind).toBe(engine);
      engineOfFormat.set(fileFormat, engine);
    }
    expect(FILE_FORMATS["onnx-model"].entry).toBe("model.onnx");
    expect(FILE_FORMATS["tfjs-model"].entry).toBe("model.json");
  });

  it("lists the kinds of an engine, typed to that engine", () => {
    const onnx = variantKindsOn("onnx");
    expect(onnx).toEqual(["onnx-fp32", "onnx-fp16", "onnx-int8"]);
    expectTypeOf(onnx).toEqualTypeOf<("onnx-fp32" | "onnx-fp16" | "onnx-int8")[]>();
    expect(variantKindsOn("tfjs")).toEqual(["fp32", "fp16", "uint8-tensor", "int8-channel", "int4-group", "mixed"]);
    expect([...variantKindsOn("tfjs"), ...onnx].sort()).toEqual([...VARIANT_KIND_NAMES].sort());
    expect(isVariantKindOn("onnx", "onnx-fp16")).toBe(true);
    expect(isVariantKindOn("onnx", "fp16")).toBe(false);
    expectTypeOf<TVariantKindOn<"tfjs">>().toEqualTypeOf<
      "fp32" | "fp16" | "uint8-tensor" | "int8-channel" | "int4-group" | "mixed"
    >();
  });

  it("types the precision of a kind narrowly, so code that excludes mixed never sees it", () => {
    const kind = "int4-group" as "fp32" | "int4-group";
    expectTypeOf(precisionOf(kind)).toEqualTypeOf<"fp32" | "int4">();
    expect(precisionOf(kind)).toBe("int4");
  });
});
