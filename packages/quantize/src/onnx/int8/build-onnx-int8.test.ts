// The full-integer onnx-int8 variant: accuracy of the reference MNIST CNN on the 2,000 held-out
// digits, the integer kernels ONNX Runtime really executes, and the rewrite of merge layers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dataset } from "../../inputs/dataset.ts";
import { top1 } from "../../evaluate/score.ts";
import { loadMnist } from "../../reference/mnist-digits.ts";
import { saveLayersModel } from "../../inputs/save-layers-model.ts";
import { syntheticData } from "../../testing/synthetic-model.ts";
import { buildOnnxInt8, type OnnxInt8Build } from "./build-onnx-int8.ts";
import { exportOnnxModel } from "../export/export-onnx.ts";
import { profileKernels } from "../run/ort-profile.ts";
import { runAll } from "../run/ort-run.ts";
import { WEIGHT_LEVELS } from "./int8-weights.ts";
import { DataType, MS_DOMAIN, type OnnxModelProto } from "../graph/onnx-proto.ts";

const MNIST_FIXTURE = join(import.meta.dirname, "..", "..", "..", "fixtures", "mnist-cnn");
const FLOAT_COMPUTE = [
  "Conv",
  "FusedConv",
  "Gemm",
  "FusedGemm",
  "MatMul",
  "FusedMatMul",
  "MatMulIntegerToFloat",
  "DynamicQuantizeMatMul",
];
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "fleet-onnx-int8-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const initializer = (model: OnnxModelProto, name: string) => model.graph.initializers.find((t) => t.name === name)!;

describe("buildOnnxInt8 on the MNIST reference model", () => {
  let fp32: OnnxModelProto;
  let build: OnnxInt8Build;

  beforeAll(async () => {
    fp32 = await exportOnnxModel(MNIST_FIXTURE);
    const heldout = loadMnist("heldout");
    const calib = loadMnist("train", 20); // 200 training digits, 20 per class, as the TF.js variants are calibrated
    const val: Dataset = {
      x: heldout.x,
      y: heldout.y,
      sampleShape: [28, 28, 1],
      count: heldout.count,
      source: "heldout",
    };
    build = await buildOnnxInt8(fp32, {
      calib: { x: calib.x, sampleShape: [28, 28, 1], count: calib.count, source: "train" },
      val,
    });
  }, 120_000);

  it("stays within 1.0 point of fp32 top-1 on the 2,000 held-out digits, for the chosen calibration", () => {
    const fp32Accuracy = build.fp32.accuracy!;
    console.info(
      `mnist-cnn fp32 ONNX ${fp32Accuracy.toFixed(2)}% | int8 ` +
        build.candidates
          .map((c) => `${c.method} ${c.accuracy!.toFixed(2)}% (agreement ${c.agreement.toFixed(2)}%)`)
          .join(", ") +
        ` → ${build.method}`,
    );
    expect(build.samples.scoring).toBe(2000);
    expect(fp32Accuracy).toBeGreaterThan(93);
    expect(build.candidates.map((c) => c.method)).toEqual(["minmax", "percentile", "mse"]);
    const chosen = build.candidates.find((c) => c.method === build.method)!;
    expect(chosen.accuracy).toBe(Math.max(...build.candidates.map((c) => c.accuracy!)));
    expect(chosen.accuracy!).toBeGreaterThanOrEqual(fp32Accuracy - 1.0);
  });

  it("is built of integer ops only: QLinearConv and QGemm, no float Conv / Gemm / MatMul", () => {
    const ops = build.model.graph.nodes.map((n) => n.op);
    console.info(`mnist-cnn int8 graph: ${ops.join(" → ")}`);
    expect(ops.filter((o) => o === "QLinearConv").length).toBe(3);
    expect(ops.filter((o) => o === "QGemm").length).toBe(2);
    expect(ops.filter((o) => ["Conv", "Gemm", "MatMul", "Relu", "Clip"].includes(o))).toEqual([]); // activations absorbed
    expect(build.model.graph.nodes.filter((n) => n.op === "QGemm").every((n) => n.domain === MS_DOMAIN)).toBe(true);
    expect(ops.filter((o) => o === "QuantizeLinear").length).toBe(1); // the graph input, once
    expect(build.model.graph.inputs).toEqual(fp32.graph.inputs);
    expect(build.model.graph.outputs).toEqual(fp32.graph.outputs);
  });

  it("has int8 per-channel weights with zero point 0 and int32 biases", () => {
    for (const node of build.model.graph.nodes.filter((n) => n.op === "QLinearConv" || n.op === "QGemm")) {
      const [w, wScale, wZero] = node.op === "QLinearConv" ? [3, 4, 5] : [3, 4, 5];
      const bias = initializer(build.model, node.inputs[node.op === "QLinearConv" ? 8 : 6]!);
      const weights = initializer(build.model, node.inputs[w]!);
      const scales = initializer(build.model, node.inputs[wScale]!);
      const zeros = initializer(build.model, node.inputs[wZero]!);
      const channels = node.op === "QLinearConv" ? weights.dims[0]! : weights.dims[1]!;
      expect(weights.dataType).toBe(DataType.INT8);
      // reduce range: |level| ≤ 63 so u8×s8 pairs cannot saturate int16 on x64 CPUs without VNNI, and some reach it
      const levels = new Int8Array(weights.raw.slice().buffer);
      expect(Math.max(...levels.map(Math.abs))).toBe(WEIGHT_LEVELS);
      expect(bias.dataType).toBe(DataType.INT32);
      expect(bias.dims).toEqual([channels]);
      expect(scales.dims).toEqual([channels]);
      expect(new Set(new Float32Array(scales.raw.slice().buffer)).size).toBeGreaterThan(1); // really one scale per channel
      expect(zeros.dataType).toBe(DataType.INT8);
      expect([...zeros.raw].every((z) => z === 0)).toBe(true);
    }
    expect(build.ranges.length).toBeGreaterThan(0);
    for (const r of build.ranges) expect(r.scale).toBeGreaterThan(0);
  });

  it("runs on ONNX Runtime's integer kernels (per its profiler)", async () => {
    const kernels = await profileKernels(build.model, [1, 28, 28, 1], 5);
    console.info(`mnist-cnn int8 kernels executed: ${kernels.map((k) => `${k.op}×${k.nodes}`).join(", ")}`);
    const ops = kernels.map((k) => k.op);
    expect(ops).toContain("QLinearConv");
    expect(ops).toContain("QGemm");
    expect(ops.filter((o) => FLOAT_COMPUTE.includes(o))).toEqual([]);
  });

  it("reports every layer, with finite weight and activation SQNR for each quantized one", () => {
    console.table(
      build.report.map((l) => ({
        layer: l.name,
        op: l.op,
        precision: l.precision,
        weightSqnrDb: l.weights.sqnrDb,
        activationSqnrDb: l.activations?.sqnrDb,
        cosine: l.activations?.cosine,
      })),
    );
    expect(build.report.map((l) => l.name)).toEqual([
      "conv1",
      "dwconv2",
      "pwconv2",
      "pool2",
      "flatten",
      "dense1",
      "logits",
    ]);
    expect(build.layers.map((l) => [l.name, l.op, l.precision])).toEqual(
      build.report.map((l) => [l.name, l.op, l.precision]),
    );
    for (const layer of build.report) {
      expect(layer.precision).toBe("int8");
      expect(Number.isFinite(layer.activations?.sqnrDb)).toBe(true);
      expect(layer.activations!.cosine).toBeGreaterThan(0.99);
      if (["Conv2D", "DepthwiseConv2D", "Dense"].includes(layer.op))
        expect(Number.isFinite(layer.weights.sqnrDb)).toBe(true);
    }
    expect(build.layers.find((l) => l.name === "conv1")!.weights.length).toBe(2); // kernel and bias
  });
});

describe("buildOnnxInt8 on merge layers and float-only ops", () => {
  it("rewrites Add, Concat, pools and separable convs to integer ops and keeps sigmoid / swish / unfolded BN in float", async () => {
    let seed = 11;
    const init = () => tf.initializers.glorotUniform({ seed: seed++ });
    const bias = () => tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed++ });
    const input = tf.input({ shape: [12, 12, 3], name: "image" });
    const conv = (name: string, filters: number, activation: "relu" | "relu6" | "linear" | "swish" = "relu") =>
      tf.layers.conv2d({
        name,
        filters,
        kernelSize: 3,
        padding: "same",
        activation,
        kernelInitializer: init(),
        biasInitializer: bias(),
      });
    const a = conv("a", 8).apply(input) as tf.SymbolicTensor;
    const b = conv("b", 8, "relu6").apply(a) as tf.SymbolicTensor;
    const res = tf.layers.add({ name: "res" }).apply([a, b]) as tf.SymbolicTensor;
    const sep = tf.layers
      .separableConv2d({
        name: "sep",
        filters: 8,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        depthwiseInitializer: init(),
        pointwiseInitializer: init(),
        biasInitializer: bias(),
      })
      .apply(res) as tf.SymbolicTensor;
    const gate = conv("gate", 8, "swish").apply(res) as tf.SymbolicTensor;
    const cat = tf.layers.concatenate({ name: "cat" }).apply([sep, gate]) as tf.SymbolicTensor;
    const bn = tf.layers.batchNormalization({ name: "bn" }).apply(cat) as tf.SymbolicTensor; // after a concat: not folded
    const avg = tf.layers.averagePooling2d({ name: "avg", poolSize: 2 }).apply(bn) as tf.SymbolicTensor;
    const gap = tf.layers.globalAveragePooling2d({ name: "gap" }).apply(avg) as tf.SymbolicTensor;
    const out = tf.layers
      .dense({ name: "out", units: 5, activation: "softmax", kernelInitializer: init(), biasInitializer: bias() })
      .apply(gap) as tf.SymbolicTensor;
    const model = tf.model({ name: "merge_int8", inputs: input, outputs: out });
    const dir = join(root, "merge");
    await saveLayersModel(model, dir);
    model.dispose();

    const fp32 = await exportOnnxModel(dir);
    const sample = (count: number, s: number): Dataset => ({
      x: syntheticData(count, [12, 12, 3], s),
      sampleShape: [12, 12, 3],
      count,
      source: "synthetic",
    });
    const build = await buildOnnxInt8(fp32, { calib: sample(64, 3) }, { methods: ["minmax", "mse"] });
    const ops = build.model.graph.nodes.map((n) => n.op);
    console.info(`merge int8 graph (${build.method}): ${ops.join(" → ")}`);
    for (const op of [
      "QLinearConv",
      "QLinearAdd",
      "QLinearConcat",
      "QLinearAveragePool",
      "QLinearGlobalAveragePool",
      "QGemm",
    ])
      expect(ops).toContain(op);
    expect(ops.filter((o) => ["Conv", "Gemm", "MatMul"].includes(o))).toEqual([]);
    expect(ops.filter((o) => o === "QLinearConv").length).toBe(5); // a, b, gate + the separable's depthwise and pointwise
    expect(ops).toContain("Sigmoid"); // swish gate in float, between DequantizeLinear and QuantizeLinear
    expect(ops).toContain("DequantizeLinear");
    expect(build.candidates.every((c) => c.accuracy === undefined)).toBe(true); // no labels: chosen by agreement

    const val = sample(200, 9);
    const a32 = (await runAll(fp32, val, ["output"])).get("output")!;
    const a8 = (await runAll(build.model, val, ["output"])).get("output")!;
    let diff = 0;
    for (let i = 0; i < a32.length; i++) diff = Math.max(diff, Math.abs(a32[i]! - a8[i]!));
    const p32 = top1(a32, 5);
    const p8 = top1(a8, 5);
    const agreement = (100 * p32.filter((p, i) => p === p8[i]).length) / p32.length;
    console.info(
      `merge int8 vs fp32 on 200 random inputs: top-1 agreement ${agreement.toFixed(1)}%, max abs diff of the softmax ${diff.toFixed(4)}`,
    );
    expect(agreement).toBeGreaterThanOrEqual(90);
    const layer = (name: string) => build.report.find((l) => l.name === name)!;
    expect(layer("sep").op).toBe("SeparableConv2D");
    for (const name of ["a", "b", "res", "sep", "cat", "avg", "gap"]) {
      expect(layer(name).precision).toBe("int8");
      expect(Number.isFinite(layer(name).activations?.sqnrDb)).toBe(true);
    }
    expect(layer("bn").precision).toBe("fp32");
    const kernels = (await profileKernels(build.model, [1, 12, 12, 3], 3)).map((k) => k.op);
    console.info(`merge int8 kernels executed: ${kernels.join(", ")}`);
    expect(kernels.filter((o) => FLOAT_COMPUTE.includes(o))).toEqual([]);
  }, 60_000);
});
