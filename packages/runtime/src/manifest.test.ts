import { describe, expect, it } from "vitest";
import { isRuntimeError } from "./errors.ts";
import { decodeInlineTensor, encodeInlineTensor, parseManifest } from "./manifest.ts";

const valid = {
  formatVersion: 1,
  engine: "tfjs",
  modelFormat: "layers-model",
  variant: "int8-channel",
  createdBy: "test",
  entry: "model.json",
  files: [{ path: "model.json", bytes: 10, sha256: "a".repeat(64) }],
  bytes: 10,
  input: { name: "x", shape: [null, 4] },
  output: { name: "y", shape: [null, 3] },
  layers: [{ name: "d", op: "Dense", precision: "int8", weights: ["d/kernel"], biasCorrected: true }],
  selfTest: {
    input: encodeInlineTensor(Float32Array.from([1, 2]), [1, 2]),
    output: encodeInlineTensor(Float32Array.from([3]), [1, 1]),
    tolerance: { absolute: 0, relative: 0 },
  },
};

describe("manifest", () => {
  it("parses a valid manifest and round-trips inline tensors exactly", () => {
    const m = parseManifest(JSON.stringify(valid));
    expect(Array.from(decodeInlineTensor(m.selfTest.input, "input"))).toEqual([1, 2]);
  });

  it.each([
    [
      "a path escaping the directory",
      { files: [{ path: "../etc/passwd", bytes: 1, sha256: "a".repeat(64) }] },
      "files.0.path",
    ],
    [
      "an unknown precision",
      { layers: [{ name: "d", op: "Dense", precision: "int3", weights: [] }] },
      "layers.0.precision",
    ],
    ["a bad sha256", { files: [{ path: "model.json", bytes: 1, sha256: "xyz" }] }, "files.0.sha256"],
    ["an unknown engine", { engine: "onnx-magic" }, "engine"],
    [
      "a layer of precision mixed (a variant's, never a layer's)",
      { layers: [{ name: "d", op: "Dense", precision: "mixed", weights: [] }] },
      "layers.0.precision",
    ],
    ["an upper-case precision", { layers: [{ name: "d", op: "Dense", precision: "INT8", weights: [] }] }, "layers"],
    ["a kind of another engine", { variant: "onnx-int8" }, "variant"],
    ["an onnx variant in a TF.js model format", { engine: "onnx", variant: "onnx-int8" }, "modelFormat"],
    ["a TF.js variant in the onnx model format", { modelFormat: "onnx" }, "modelFormat"],
  ])("refuses %s, naming the field", (_name, patch, field) => {
    try {
      parseManifest(JSON.stringify({ ...valid, ...patch }));
      expect.unreachable();
    } catch (error) {
      expect(isRuntimeError(error, "MANIFEST_INVALID")).toBe(true);
      expect((error as Error).message).toContain(field);
    }
  });

  it("refuses truncated JSON", () => {
    expect(() => parseManifest(JSON.stringify(valid).slice(0, 50))).toThrow(/manifest.json: not valid JSON/);
  });
});
