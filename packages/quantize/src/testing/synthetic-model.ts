// Seeded, untrained models for tests and benchmarks: a model the engine has never seen, of any
// size, without training (weights from seeded initializers).
import * as tf from "@tensorflow/tfjs";
export { saveLayersModel } from "../inputs/save-layers-model.ts";

export interface SyntheticOptions {
  inputShape?: [number, number, number];
  /** filters of the two conv blocks */
  filters?: [number, number];
  denseUnits?: number;
  classes?: number;
  seed?: number;
}

export function syntheticConvnet(options: SyntheticOptions = {}): tf.LayersModel {
  const { inputShape = [16, 16, 3], filters = [8, 16], denseUnits = 32, classes = 10 } = options;
  let seed = options.seed ?? 7;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const bias = () => tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: seed++ });
  return tf.sequential({
    name: "synthetic_convnet",
    layers: [
      tf.layers.conv2d({
        name: "stem",
        inputShape,
        filters: filters[0],
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        kernelInitializer: init(),
        biasInitializer: bias(),
      }),
      tf.layers.depthwiseConv2d({
        name: "dw",
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        depthwiseInitializer: init(),
        biasInitializer: bias(),
      }),
      tf.layers.conv2d({
        name: "pw",
        filters: filters[1],
        kernelSize: 1,
        activation: "relu",
        kernelInitializer: init(),
        biasInitializer: bias(),
      }),
      tf.layers.maxPooling2d({ name: "pool", poolSize: 2 }),
      tf.layers.flatten({ name: "flatten" }),
      tf.layers.dense({
        name: "hidden",
        units: denseUnits,
        activation: "relu",
        kernelInitializer: init(),
        biasInitializer: bias(),
      }),
      tf.layers.dense({
        name: "out",
        units: classes,
        activation: "softmax",
        kernelInitializer: init(),
        biasInitializer: bias(),
      }),
    ],
  });
}

/**
 * Data-dependent init of the output bias (as in LSUV-style initialisation): an untrained net's
 * logits share one large mean over all inputs, so every sample would get the same class; centring
 * them on representative inputs makes predictions — and so agreement and accuracy — meaningful.
 */
export function centerOutputs(model: tf.LayersModel, x: tf.Tensor): void {
  const out = model.getLayer("out");
  tf.tidy(() => {
    const features = tf
      .model({ inputs: model.inputs, outputs: model.getLayer("hidden").output as tf.SymbolicTensor })
      .predict(x) as tf.Tensor;
    const [kernel] = out.getWeights();
    out.setWeights([kernel!, (features.matMul(kernel!).mean(0) as tf.Tensor).neg()]);
  });
}

/** Deterministic inputs in [0, 1) and labels taken from a model's own predictions (so accuracy is meaningful). */
export function syntheticData(count: number, sampleShape: number[], seed = 99): Float32Array {
  let state = seed >>> 0;
  const per = sampleShape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: count * per }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  });
}
