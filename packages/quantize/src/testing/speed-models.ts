// Seeded, untrained models of issue 8's speed benchmark, saved as LayersModels: a convnet of
// about 1.4M parameters (VGG-like, with a depthwise block) and the 4×1024 relu MLP. Random weights
// are enough to time kernels; int8 accuracy is judged on the MNIST reference model instead.
import * as tf from "@tensorflow/tfjs";
import { saveLayersModel } from "../inputs/save-layers-model.ts";

export const SPEED_CONVNET_INPUT = [32, 32, 3];
export const SPEED_MLP_INPUT = [1024];

function initializers(seed: number) {
  let s = seed;
  return {
    kernel: () => tf.initializers.heNormal({ seed: s++ }),
    bias: () => tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: s++ }),
  };
}

/** 32×32×3 → conv 32, conv 64, pool, conv 128, depthwise, pool, conv 256, pool → dense 256 → 10 (≈1.44M parameters, ≈60M MACs) */
export function speedConvnet(seed = 3): tf.LayersModel {
  const { kernel, bias } = initializers(seed);
  const conv = (name: string, filters: number, extra: Partial<Parameters<typeof tf.layers.conv2d>[0]> = {}) =>
    tf.layers.conv2d({
      name,
      filters,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      kernelInitializer: kernel(),
      biasInitializer: bias(),
      ...extra,
    });
  return tf.sequential({
    name: "speed_convnet",
    layers: [
      conv("conv1", 32, { inputShape: SPEED_CONVNET_INPUT }),
      conv("conv2", 64),
      tf.layers.maxPooling2d({ name: "pool1", poolSize: 2 }),
      conv("conv3", 128),
      tf.layers.depthwiseConv2d({
        name: "dw3",
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        depthwiseInitializer: kernel(),
        biasInitializer: bias(),
      }),
      tf.layers.maxPooling2d({ name: "pool2", poolSize: 2 }),
      conv("conv4", 256),
      tf.layers.maxPooling2d({ name: "pool3", poolSize: 2 }),
      tf.layers.flatten({ name: "flatten" }),
      tf.layers.dense({
        name: "fc1",
        units: 256,
        activation: "relu",
        kernelInitializer: kernel(),
        biasInitializer: bias(),
      }),
      tf.layers.dense({
        name: "logits",
        units: 10,
        activation: "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 100 }),
        biasInitializer: bias(),
      }),
    ],
  });
}

/** 1024 → 4 × Dense(1024, relu) (≈4.2M parameters) */
export function speedMlp(seed = 5): tf.LayersModel {
  const { kernel, bias } = initializers(seed);
  return tf.sequential({
    name: "speed_mlp",
    layers: [0, 1, 2, 3].map((i) =>
      tf.layers.dense({
        name: `dense${i + 1}`,
        units: 1024,
        activation: "relu",
        kernelInitializer: kernel(),
        biasInitializer: bias(),
        ...(i === 0 ? { inputShape: SPEED_MLP_INPUT } : {}),
      }),
    ),
  });
}

/** saves a model into `dir` as model.json + shards, and frees it */
export async function saveSpeedModel(model: tf.LayersModel, dir: string): Promise<{ dir: string; parameters: number }> {
  const parameters = model.countParams();
  await saveLayersModel(model, dir);
  model.dispose();
  return { dir, parameters };
}
