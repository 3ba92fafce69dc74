// How a failure reaches the console in the reported state: the runtime's refusal of an engine is
// unsupported_engine, other refusals load_failed.
import { RuntimeError } from "@fleet/runtime";
import { describe, expect, it } from "vitest";
import { describeFailure } from "./errors.ts";

describe("describeFailure", () => {
  it("reports the runtime's refusal of an engine as unsupported_engine, other refusals as load_failed", () => {
    expect(
      describeFailure(
        new RuntimeError("UNSUPPORTED", "a variant of the onnx engine, which is not available here", "onnx"),
      ).code,
    ).toBe("unsupported_engine");
    expect(
      describeFailure(
        new RuntimeError("UNSUPPORTED", "model.onnx: the onnx engine runs models with one input", "model.onnx"),
      ).code,
    ).toBe("load_failed");
    expect(
      describeFailure(new RuntimeError("MODEL_INVALID", "model.onnx: not a valid ONNX model", "model.onnx")),
    ).toEqual({ code: "load_failed", message: "model.onnx: not a valid ONNX model" });
  });
});
