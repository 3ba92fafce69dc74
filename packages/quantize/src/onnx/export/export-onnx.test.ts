// Parity of the fp32 ONNX export with TF.js fp32: the reference MNIST CNN on held-out digits,
// small synthetic layers models (sequential and functional) and hand-written graph models, run with
// onnxruntime-node; a layer or graph op outside the set is refused by name.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend, loadVariant } from "@fleet/runtime";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QuantizeError } from "../../errors.ts";
import { quantizeModel } from "../../pipeline/quantize-model.ts";
import { loadMnist } from "../../reference/mnist-digits.ts";
import { saveLayersModel } from "../../inputs/save-layers-model.ts";
import { writeGraphModel, GRAPH_INPUT } from "../../testing/graph-model.ts";
import { CONV_GRAPH_INPUT, writeConvGraphModel } from "../../testing/graph-model-conv.ts";
import { syntheticData } from "../../testing/synthetic-model.ts";
import { exportOnnx, exportOnnxModel } from "./export-onnx.ts";

const MNIST_FIXTURE = join(import.meta.dirname, "..", "..", "..", "fixtures", "mnist-cnn");
let root: string;

beforeAll(async () => {
  await initBackend();
  root = mkdtempSync(join(tmpdir(), "fleet-onnx-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function runOnnx(
  bytes: Uint8Array,
  x: Float32Array,
  shape: number[],
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = (await session.run({ input: new ort.Tensor("float32", x, shape) }))["output"]!;
    return { data: out.data as Float32Array, dims: out.dims };
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** exports the TF.js model in `dir` and compares both engines on `x` */
async function parity(dir: string, x: Float32Array, sampleShape: number[]): Promise<number> {
  const count = x.length / sampleShape.reduce((a, b) => a * b, 1);
  const loaded = await loadVariant(dir, { requireManifest: false });
  const expected = loaded.predict(x, count);
  loaded.dispose();
  const actual = await runOnnx(await exportOnnx(dir), x, [count, ...sampleShape]);
  expect([...actual.dims]).toEqual(expected.shape);
  return maxAbsDiff(actual.data, expected.data);
}

async function saved(name: string, model: tf.LayersModel): Promise<string> {
  const dir = join(root, name);
  await saveLayersModel(model, dir);
  model.dispose();
  return dir;
}

let seed = 1;
const init = () => tf.initializers.glorotUniform({ seed: seed++ });
const bias = () => tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed++ });

/** non-trivial BatchNormalization statistics, so folding is actually exercised */
function randomizeBatchNorm(model: tf.LayersModel, ...names: string[]): void {
  for (const bn of names) {
    const layer = model.getLayer(bn);
    layer.setWeights(
      layer
        .getWeights()
        .map((w, i) =>
          tf.tidy(() =>
            i === 3
              ? tf.randomUniform(w.shape, 0.5, 2, "float32", seed++)
              : tf.randomUniform(w.shape, -0.5, 1.5, "float32", seed++),
          ),
        ),
    );
  }
}

describe("exportOnnx (fp32)", () => {
  it("matches TF.js on the MNIST reference model over 200 held-out digits (max abs diff <= 1e-4)", async () => {
    const digits = loadMnist("heldout", 20); // 20 per class
    expect(digits.count).toBe(200);
    const diff = await parity(MNIST_FIXTURE, digits.x, [28, 28, 1]);
    console.info(`mnist-cnn fp32 ONNX vs TF.js: max abs diff ${diff.toExponential(2)} over ${digits.count} digits`);
    expect(diff).toBeLessThanOrEqual(1e-4);
  }, 60_000);

  it("matches TF.js on a Dense-only model with every supported activation", async () => {
    const acts = ["relu", "relu6", "sigmoid", "tanh", "swish", "softmax"] as const;
    const layers: tf.layers.Layer[] = [
      tf.layers.dense({
        name: "d0",
        inputShape: [12],
        units: 16,
        activation: "linear",
        kernelInitializer: init(),
        biasInitializer: bias(),
      }),
    ];
    acts.forEach((activation, i) => {
      layers.push(
        tf.layers.dense({
          name: `d${i + 1}`,
          units: 16,
          activation,
          kernelInitializer: init(),
          biasInitializer: bias(),
        }),
      );
      if (i === 1) layers.push(tf.layers.dropout({ name: "drop", rate: 0.5 }));
    });
    const dir = await saved("dense", tf.sequential({ name: "dense_only", layers }));
    const diff = await parity(
      dir,
      syntheticData(64, [12], 3).map((v) => v * 4 - 2),
      [12],
    );
    expect(diff).toBeLessThanOrEqual(1e-5);
  });

  it("matches TF.js on convs with strides, pooling, reshape and BatchNormalization (folded and not)", async () => {
    const model = tf.sequential({
      name: "conv_bn",
      layers: [
        tf.layers.conv2d({
          name: "c1",
          inputShape: [13, 11, 3],
          filters: 6,
          kernelSize: [3, 2],
          strides: 2,
          padding: "same",
          useBias: false,
          kernelInitializer: init(),
        }),
        tf.layers.batchNormalization({ name: "bn1", epsilon: 1e-3 }),
        tf.layers.activation({ name: "a1", activation: "relu6" }),
        tf.layers.depthwiseConv2d({
          name: "dw",
          kernelSize: 3,
          depthMultiplier: 2,
          padding: "same",
          depthwiseInitializer: init(),
          biasInitializer: bias(),
        }),
        tf.layers.batchNormalization({ name: "bn2" }),
        tf.layers.averagePooling2d({ name: "avg", poolSize: 2, strides: 1, padding: "same" }),
        tf.layers.conv2d({
          name: "c2",
          filters: 8,
          kernelSize: 1,
          activation: "swish",
          kernelInitializer: init(),
          biasInitializer: bias(),
        }),
        tf.layers.batchNormalization({ name: "bn3" }), // after an activation: exported as Mul + Add
        tf.layers.maxPooling2d({ name: "max", poolSize: 3, strides: 2, padding: "same" }),
        tf.layers.reshape({ name: "rs", targetShape: [2, -1, 8] }),
        tf.layers.globalAveragePooling2d({ name: "gap" }),
        tf.layers.dense({
          name: "out",
          units: 5,
          activation: "softmax",
          kernelInitializer: init(),
          biasInitializer: bias(),
        }),
      ],
    });
    randomizeBatchNorm(model, "bn1", "bn2", "bn3");
    const dir = await saved("conv", model);
    const diff = await parity(dir, syntheticData(16, [13, 11, 3], 5), [13, 11, 3]);
    expect(diff).toBeLessThanOrEqual(1e-4);
  });

  it("matches TF.js on SeparableConv2D (depth multiplier, strides, dilation, same / valid, folded BatchNormalization)", async () => {
    const sep = (name: string, extra: Partial<Parameters<typeof tf.layers.separableConv2d>[0]>) =>
      tf.layers.separableConv2d({
        name,
        filters: 7,
        kernelSize: 3,
        depthwiseInitializer: init(),
        pointwiseInitializer: init(),
        biasInitializer: bias(),
        ...extra,
      });
    const model = tf.sequential({
      name: "separable",
      layers: [
        sep("s1", {
          inputShape: [15, 13, 3],
          kernelSize: [3, 2],
          depthMultiplier: 2,
          strides: 2,
          padding: "same",
          activation: "relu",
        }),
        sep("s2", { depthMultiplier: 3, dilationRate: 2, padding: "same", useBias: false }),
        tf.layers.batchNormalization({ name: "bn_s2" }),
        sep("s3", { filters: 5, padding: "valid", activation: "relu6" }),
        sep("s4", { filters: 4, kernelSize: 2, strides: [1, 2], padding: "valid", activation: "tanh" }),
        tf.layers.flatten({ name: "flat" }),
        tf.layers.dense({ name: "out", units: 3, kernelInitializer: init(), biasInitializer: bias() }),
      ],
    });
    randomizeBatchNorm(model, "bn_s2");
    const dir = await saved("separable", model);
    // TF.js 4.22 drops depth_multiplier from a SeparableConv2D's config (so it could not reload its own
    // model); put it back as Keras writes it
    const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as {
      modelTopology: { config: { layers: { config: Record<string, unknown> }[] } };
    };
    for (const [i, mult] of [
      [0, 2],
      [1, 3],
    ] as const)
      json.modelTopology.config.layers[i]!.config["depth_multiplier"] = mult;
    writeFileSync(join(dir, "model.json"), JSON.stringify(json));
    const exported = await exportOnnxModel(dir);
    expect(exported.graph.nodes.filter((n) => n.op === "Mul" || n.op === "Add")).toEqual([]); // BN folded into s2's pointwise conv
    expect(exported.graph.initializers.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^s1\/depthwise_kernel:\d+$/),
        expect.stringMatching(/^s1\/pointwise_kernel:\d+$/),
      ]),
    );
    const diff = await parity(
      dir,
      syntheticData(16, [15, 13, 3], 6).map((v) => v * 2 - 1),
      [15, 13, 3],
    );
    console.info(`separable fp32 ONNX vs TF.js: max abs diff ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-4);
  });

  it("matches TF.js on a functional model with Add (2 and 3 inputs) and Concatenate (channels, width, rank 2)", async () => {
    const input = tf.input({ shape: [10, 9, 4], name: "image" });
    const conv = (name: string, filters: number, extra: Partial<Parameters<typeof tf.layers.conv2d>[0]> = {}) =>
      tf.layers.conv2d({
        name,
        filters,
        kernelSize: 3,
        padding: "same",
        kernelInitializer: init(),
        biasInitializer: bias(),
        ...extra,
      });
    const a = conv("a", 4, { activation: "relu" }).apply(input) as tf.SymbolicTensor;
    const b = conv("b", 4).apply(a) as tf.SymbolicTensor;
    const bBn = tf.layers.batchNormalization({ name: "bn_b" }).apply(b) as tf.SymbolicTensor;
    const res = tf.layers.add({ name: "res" }).apply([input, a, bBn]) as tf.SymbolicTensor; // 3 inputs, the graph input among them
    const c = conv("c", 6, { activation: "sigmoid" }).apply(res) as tf.SymbolicTensor;
    const chans = tf.layers.concatenate({ name: "cat_c", axis: -1 }).apply([res, c]) as tf.SymbolicTensor; // [10, 9, 10]
    const wide = tf.layers.concatenate({ name: "cat_w", axis: 2 }).apply([chans, chans]) as tf.SymbolicTensor; // [10, 18, 10]
    const pooled = tf.layers.maxPooling2d({ name: "pool", poolSize: 2 }).apply(wide) as tf.SymbolicTensor;
    const gap = tf.layers.globalAveragePooling2d({ name: "gap" }).apply(pooled) as tf.SymbolicTensor;
    const flat = tf.layers.flatten({ name: "flat" }).apply(pooled) as tf.SymbolicTensor;
    const d1 = tf.layers
      .dense({ name: "d1", units: 5, activation: "tanh", kernelInitializer: init(), biasInitializer: bias() })
      .apply(gap) as tf.SymbolicTensor;
    const d2 = tf.layers
      .dense({ name: "d2", units: 3, kernelInitializer: init(), biasInitializer: bias() })
      .apply(flat) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate({ name: "cat_vec" }).apply([d1, d2]) as tf.SymbolicTensor; // rank 2
    const d3 = tf.layers
      .dense({ name: "d3", units: 8, kernelInitializer: init(), biasInitializer: bias() })
      .apply(joined) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: "sum_vec" }).apply([joined, d3]) as tf.SymbolicTensor;
    const out = tf.layers
      .dense({ name: "out", units: 4, activation: "softmax", kernelInitializer: init(), biasInitializer: bias() })
      .apply(sum) as tf.SymbolicTensor;
    const model = tf.model({ name: "merge", inputs: input, outputs: out });
    randomizeBatchNorm(model, "bn_b");
    const dir = await saved("merge", model);
    const exported = await exportOnnxModel(dir);
    const concats = exported.graph.nodes.filter((n) => n.op === "Concat");
    expect(concats.map((n) => [n.name.replace(/:\d+$/, ""), n.attributes?.["axis"]])).toEqual([
      ["cat_c", 1],
      ["cat_w", 3],
      ["cat_vec", 1],
    ]); // NCHW channel / width axes
    expect(exported.graph.nodes.filter((n) => n.op === "Add").map((n) => n.name.replace(/:\d+$/, ""))).toEqual([
      "res/partial",
      "res",
      "sum_vec",
    ]);
    const diff = await parity(
      dir,
      syntheticData(12, [10, 9, 4], 8).map((v) => v * 2 - 1),
      [10, 9, 4],
    );
    console.info(`merge fp32 ONNX vs TF.js: max abs diff ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-4);
  });

  it("matches TF.js on the dense graph-model fixture (_FusedMatMul + MatMul + Softmax)", async () => {
    const dir = join(root, "graph-dense");
    writeGraphModel(dir);
    const diff = await parity(
      dir,
      syntheticData(64, [GRAPH_INPUT], 3).map((v) => v * 4 - 2),
      [GRAPH_INPUT],
    );
    console.info(`graph-model (dense) fp32 ONNX vs TF.js: max abs diff ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-4);
  });

  it("matches TF.js on a convolutional graph model (fused / depthwise / explicit-padding convs, batch norm, pools, concat, mean, reshape)", async () => {
    const dir = join(root, "graph-conv");
    writeConvGraphModel(dir);
    const exported = await exportOnnxModel(dir);
    const ops = exported.graph.nodes.map((n) => n.op);
    expect(ops.filter((op) => op === "Conv")).toHaveLength(5);
    expect(exported.graph.nodes.find((n) => n.name.startsWith("dw/bn"))).toBeUndefined(); // folded into dw/depthwise
    expect(exported.graph.nodes.find((n) => n.name.startsWith("conv2/BiasAdd"))).toBeUndefined(); // folded into conv2
    expect(exported.graph.inputs).toEqual([{ name: "input", elemType: 1, shape: ["batch", ...CONV_GRAPH_INPUT] }]);
    const diff = await parity(
      dir,
      syntheticData(16, [...CONV_GRAPH_INPUT], 9).map((v) => v * 2 - 1),
      [...CONV_GRAPH_INPUT],
    );
    console.info(`graph-model (conv) fp32 ONNX vs TF.js: max abs diff ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-4);
  });

  it("refuses a graph op outside the supported set, naming the node and the op", async () => {
    const dir = join(root, "graph-bad");
    writeGraphModel(dir, { op: "QuantumMatMul" });
    const error = await exportOnnx(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuantizeError);
    expect((error as QuantizeError).code).toBe("MODEL_UNSUPPORTED");
    expect((error as QuantizeError).subject).toBe("logits/MatMul");
    expect((error as QuantizeError).message).toContain('node "logits/MatMul" uses op "QuantumMatMul"');
  });

  it("refuses a graph op named like an Object property (the op table is no plain object lookup)", async () => {
    for (const op of ["toString", "constructor", "__proto__"]) {
      const dir = join(root, `graph-${op}`);
      writeGraphModel(dir, { op });
      const error = await exportOnnx(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QuantizeError);
      expect((error as QuantizeError).code).toBe("MODEL_UNSUPPORTED");
      expect((error as QuantizeError).message).toContain(`node "logits/MatMul" uses op "${op}"`);
    }
  });

  it("refuses a layer outside the supported set, naming it", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ name: "first", inputShape: [4], units: 4 }),
        tf.layers.layerNormalization({ name: "odd_norm" }),
        tf.layers.dense({ name: "last", units: 2 }),
      ],
    });
    const dir = await saved("unsupported", model);
    const error = await exportOnnx(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuantizeError);
    expect((error as QuantizeError).code).toBe("MODEL_UNSUPPORTED");
    expect((error as QuantizeError).subject).toBe("odd_norm");
    expect((error as QuantizeError).message).toContain('layer "odd_norm" (LayerNormalization)');

    // the model is refused for the onnx engine only: its TF.js variants are still made, with a warning
    const report = await quantizeModel({ input: dir, outDir: join(root, "unsupported-out"), measure: false });
    expect(report.variants.map((v) => v.variant)).toEqual([
      "fp32",
      "fp16",
      "uint8-tensor",
      "int8-channel",
      "int4-group",
    ]);
    expect(report.warnings.find((w) => w.startsWith("onnx variants skipped:"))).toContain(
      'layer "odd_norm" (LayerNormalization)',
    );
    expect(existsSync(join(root, "unsupported-out", "onnx-fp32"))).toBe(false);
  });

  it("refuses a layer class named like an Object property (the layer table is no plain object lookup)", async () => {
    const dir = await saved(
      "prototype-class",
      tf.sequential({
        layers: [
          tf.layers.dense({ name: "first", inputShape: [4], units: 4 }),
          tf.layers.dense({ name: "odd", units: 2 }),
        ],
      }),
    );
    const file = join(dir, "model.json");
    const json = JSON.parse(readFileSync(file, "utf8")) as {
      modelTopology: { config: { layers: { class_name: string }[] } };
    };
    for (const className of ["toString", "constructor", "__proto__"]) {
      json.modelTopology.config.layers[1]!.class_name = className;
      writeFileSync(file, JSON.stringify(json));
      const error = await exportOnnx(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QuantizeError);
      expect((error as QuantizeError).code).toBe("MODEL_UNSUPPORTED");
      expect((error as QuantizeError).message).toContain(`layer "odd" (${className}): layer class ${className}`);
    }
  });
});
