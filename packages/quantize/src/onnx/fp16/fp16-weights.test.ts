// The fp16-weights ONNX variant: half-size weights, Casts back to float, same outputs as fp32.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { top1 } from "../../evaluate/score.ts";
import { loadMnist } from "../../reference/mnist-digits.ts";
import { exportOnnxModel } from "../export/export-onnx.ts";
import { toFp16Weights } from "./fp16-weights.ts";
import { profileKernels } from "../run/ort-profile.ts";
import { runAll } from "../run/ort-run.ts";
import { encodeModel } from "../graph/encode-model.ts";
import { DataType } from "../graph/onnx-proto.ts";

const MNIST_FIXTURE = join(import.meta.dirname, "..", "..", "..", "fixtures", "mnist-cnn");

describe("toFp16Weights", () => {
  it("halves the MNIST reference model and matches fp32 on 200 held-out digits", async () => {
    const fp32 = await exportOnnxModel(MNIST_FIXTURE);
    const fp16 = toFp16Weights(fp32);
    const weighted = fp32.graph.nodes
      .filter((n) => n.op === "Conv" || n.op === "Gemm")
      .flatMap((n) => n.inputs.slice(1));
    expect(fp16.graph.initializers.filter((t) => t.dataType === DataType.FLOAT16).length).toBe(weighted.length);
    expect(
      fp16.graph.nodes
        .filter((n) => n.op === "Cast")
        .flatMap((n) => n.outputs)
        .sort(),
    ).toEqual([...weighted].sort());
    expect(fp32.graph.initializers.some((t) => t.dataType === DataType.FLOAT16)).toBe(false); // the source is left alone

    const ratio = encodeModel(fp16).byteLength / encodeModel(fp32).byteLength;
    const digits = loadMnist("heldout", 20);
    const samples = { x: digits.x, sampleShape: [28, 28, 1], count: digits.count };
    const a = (await runAll(fp32, samples, ["output"])).get("output")!;
    const b = (await runAll(fp16, samples, ["output"])).get("output")!;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    console.info(
      `mnist-cnn onnx fp16 weights: ${(ratio * 100).toFixed(1)}% of the fp32 file, max abs diff of the softmax ${diff.toExponential(2)}`,
    );
    expect(ratio).toBeLessThanOrEqual(0.52);
    expect(diff).toBeLessThanOrEqual(2e-3);
    expect(top1(b, 10)).toEqual(top1(a, 10));
    // ORT folds the Casts of constant weights at load: none is left to run per inference
    const kernels = await profileKernels(fp16, [1, 28, 28, 1], 3);
    expect(kernels.map((k) => k.op)).not.toContain("Cast");
  });
});
