// Parity of the fp32 ONNX export with TF.js fp32: the reference MNIST CNN on held-out digits and
// small synthetic models, run with onnxruntime-node; a layer outside the set is refused by name.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend, loadVariant } from "@fleet/runtime";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QuantizeError } from "../errors.ts";
import { loadMnist } from "../reference/mnist-digits.ts";
import { saveLayersModel } from "../save-layers-model.ts";
import { syntheticData } from "../testing/synthetic-model.ts";
import { exportOnnx } from "./export-onnx.ts";

const MNIST_FIXTURE = join(import.meta.dirname, "..", "..", "fixtures", "mnist-cnn");
let root: string;

beforeAll(async () => {
  await initBackend();
  root = mkdtempSync(join(tmpdir(), "fleet-onnx-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function runOnnx(bytes: Uint8Array, x: Float32Array, shape: number[]): Promise<{ data: Float32Array; dims: readonly number[] }> {
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
    const layers: tf.layers.Layer[] = [tf.layers.dense({ name: "d0", inputShape: [12], units: 16, activation: "linear", kernelInitializer: init(), biasInitializer: bias() })];
    acts.forEach((activation, i) => {
      layers.push(tf.layers.dense({ name: `d${i + 1}`, units: 16, activation, kernelInitializer: init(), biasInitializer: bias() }));
      if (i === 1) layers.push(tf.layers.dropout({ name: "drop", rate: 0.5 }));
    });
    const dir = await saved("dense", tf.sequential({ name: "dense_only", layers }));
    const diff = await parity(dir, syntheticData(64, [12], 3).map((v) => v * 4 - 2), [12]);
    expect(diff).toBeLessThanOrEqual(1e-5);
  });

  it("matches TF.js on convs with strides, pooling, reshape and BatchNormalization (folded and not)", async () => {
    const model = tf.sequential({
      name: "conv_bn",
      layers: [
        tf.layers.conv2d({ name: "c1", inputShape: [13, 11, 3], filters: 6, kernelSize: [3, 2], strides: 2, padding: "same", useBias: false, kernelInitializer: init() }),
        tf.layers.batchNormalization({ name: "bn1", epsilon: 1e-3 }),
        tf.layers.activation({ name: "a1", activation: "relu6" }),
        tf.layers.depthwiseConv2d({ name: "dw", kernelSize: 3, depthMultiplier: 2, padding: "same", depthwiseInitializer: init(), biasInitializer: bias() }),
        tf.layers.batchNormalization({ name: "bn2" }),
        tf.layers.averagePooling2d({ name: "avg", poolSize: 2, strides: 1, padding: "same" }),
        tf.layers.conv2d({ name: "c2", filters: 8, kernelSize: 1, activation: "swish", kernelInitializer: init(), biasInitializer: bias() }),
        tf.layers.batchNormalization({ name: "bn3" }), // after an activation: exported as Mul + Add
        tf.layers.maxPooling2d({ name: "max", poolSize: 3, strides: 2, padding: "same" }),
        tf.layers.reshape({ name: "rs", targetShape: [2, -1, 8] }),
        tf.layers.globalAveragePooling2d({ name: "gap" }),
        tf.layers.dense({ name: "out", units: 5, activation: "softmax", kernelInitializer: init(), biasInitializer: bias() }),
      ],
    });
    // non-trivial BN statistics, so folding is actually exercised
    for (const bn of ["bn1", "bn2", "bn3"]) {
      const layer = model.getLayer(bn);
      layer.setWeights(layer.getWeights().map((w, i) => tf.tidy(() => (i === 3 ? tf.randomUniform(w.shape, 0.5, 2, "float32", seed++) : tf.randomUniform(w.shape, -0.5, 1.5, "float32", seed++)))));
    }
    const dir = await saved("conv", model);
    const diff = await parity(dir, syntheticData(16, [13, 11, 3], 5), [13, 11, 3]);
    expect(diff).toBeLessThanOrEqual(1e-4);
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
  });
});
