// Trains the reference MNIST CNN deterministically and writes it as a float32 TF.js LayersModel
// into fixtures/mnist-cnn. Run once (slow: the cpu backend is the only one here that can train
// convolutions); the result is committed and tests never train.
//   node --import tsx packages/quantize/scripts/train-reference-model.ts [--epochs N] [--out DIR]
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "@fleet/runtime";
import { loadMnist, MNIST_PIXELS } from "../src/reference/mnist-digits.ts";
import { saveLayersModel } from "../src/inputs/save-layers-model.ts";

const { values } = parseArgs({
  options: {
    epochs: { type: "string", default: "12" },
    out: { type: "string", default: join(import.meta.dirname, "..", "fixtures", "mnist-cnn") },
  },
});
const epochs = Number(values.epochs);
const SEED = 20240607;

function buildModel(): tf.LayersModel {
  let seed = SEED;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  return tf.sequential({
    name: "mnist_cnn",
    layers: [
      tf.layers.conv2d({
        name: "conv1",
        inputShape: [28, 28, 1],
        filters: 8,
        kernelSize: 3,
        strides: 2,
        padding: "same",
        activation: "relu",
        kernelInitializer: init(),
      }),
      tf.layers.depthwiseConv2d({
        name: "dwconv2",
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        depthwiseInitializer: init(),
      }),
      tf.layers.conv2d({ name: "pwconv2", filters: 16, kernelSize: 1, activation: "relu", kernelInitializer: init() }),
      tf.layers.maxPooling2d({ name: "pool2", poolSize: 2 }),
      tf.layers.flatten({ name: "flatten" }),
      tf.layers.dense({ name: "dense1", units: 32, activation: "relu", kernelInitializer: init() }),
      tf.layers.dense({ name: "logits", units: 10, activation: "softmax", kernelInitializer: init() }),
    ],
  });
}

async function main(): Promise<void> {
  await tf.setBackend("cpu");
  const train = loadMnist("train");
  const heldout = loadMnist("heldout");
  const model = buildModel();
  model.compile({ optimizer: tf.train.adam(0.002), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  process.stderr.write(
    `training on ${train.count} digits, ${model.countParams()} parameters, ${epochs} epochs (cpu backend)\n`,
  );
  const random = seededRandom(SEED); // same shuffle order on every run
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = Array.from({ length: train.count }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const x = new Float32Array(train.count * MNIST_PIXELS);
    const y = new Float32Array(train.count);
    order.forEach((src, dst) => {
      x.set(train.x.subarray(src * MNIST_PIXELS, (src + 1) * MNIST_PIXELS), dst * MNIST_PIXELS);
      y[dst] = train.y[src]!;
    });
    const xs = tf.tensor4d(x, [train.count, 28, 28, 1]);
    const ys = tf.tensor1d(y);
    const started = Date.now();
    const history = await model.fit(xs, ys, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    tf.dispose([xs, ys]);
    const loss = Number(history.history["loss"]?.[0]);
    const acc = Number(history.history["acc"]?.[0] ?? history.history["accuracy"]?.[0]);
    process.stderr.write(
      `epoch ${epoch + 1}/${epochs}: loss ${loss.toFixed(4)} acc ${acc.toFixed(4)} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
    );
  }
  const accuracy = tf.tidy(() => {
    const predicted = (model.predict(tf.tensor4d(heldout.x, [heldout.count, 28, 28, 1])) as tf.Tensor).argMax(-1);
    return predicted.equal(tf.tensor1d(heldout.y, "int32")).mean().dataSync()[0]!;
  });
  process.stderr.write(`held-out accuracy (${heldout.count} digits): ${(accuracy * 100).toFixed(2)} %\n`);

  await saveLayersModel(model, values.out);
  process.stderr.write(`wrote ${values.out}\n`);
}

await main();
