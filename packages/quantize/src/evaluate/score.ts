// How often a model is right: top-1 accuracy on labels and agreement with reference predictions,
// for a TF.js model in this process or a variant runner on any engine, over a data set in batches.
import * as tf from "@tensorflow/tfjs";
import type { TfModel, VariantRunner } from "@fleet/runtime";
import type { Dataset } from "../inputs/dataset.ts";

export const EVAL_BATCH = 256;

/** the data set in batches of EVAL_BATCH samples: first index, size and values of each */
function* batches(dataset: Dataset): Generator<{ start: number; n: number; x: Float32Array }> {
  const per = dataset.sampleShape.reduce((a, b) => a * b, 1);
  for (let start = 0; start < dataset.count; start += EVAL_BATCH) {
    const n = Math.min(EVAL_BATCH, dataset.count - start);
    yield { start, n, x: dataset.x.subarray(start * per, (start + n) * per) };
  }
}

export function predictAll(model: TfModel, dataset: Dataset): { outputs: Float32Array; classes: number } {
  const parts: Float32Array[] = [];
  let classes = 0;
  for (const { n, x } of batches(dataset)) {
    const out = tf.tidy(() => {
      const y = model.predict(tf.tensor(x, [n, ...dataset.sampleShape])) as tf.Tensor;
      return y.reshape([n, -1]);
    });
    classes = out.shape[1] ?? 0;
    parts.push(out.dataSync() as Float32Array);
    out.dispose();
  }
  const outputs = new Float32Array(dataset.count * classes);
  parts.forEach((p, i) => outputs.set(p, i * EVAL_BATCH * classes));
  return { outputs, classes };
}

export function top1(outputs: Float32Array, classes: number): Int32Array {
  const n = outputs.length / classes;
  const result = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (outputs[i * classes + c]! > outputs[i * classes + best]!) best = c;
    result[i] = best;
  }
  return result;
}

/** fraction of equal entries, in percent */
export function matchPercent(a: Int32Array, b: Int32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return a.length === 0 ? Number.NaN : (100 * same) / a.length;
}

export interface Scores {
  /** top-1 accuracy on the labels, percent (undefined without labels) */
  accuracy?: number;
  /** top-1 agreement with the reference predictions, percent */
  agreement: number;
  predictions: Int32Array;
}

function scoresOf(outputs: Float32Array, classes: number, dataset: Dataset, reference: Int32Array | undefined): Scores {
  const predictions = top1(outputs, classes);
  const scores: Scores = { agreement: reference ? matchPercent(predictions, reference) : 100, predictions };
  if (dataset.y) scores.accuracy = matchPercent(predictions, dataset.y);
  return scores;
}

/** scores of a TF.js model held in this process (the fp32 reference, the dequantized TF.js variants) */
export function scoreTfModel(model: TfModel, dataset: Dataset, reference?: Int32Array): Scores {
  const { outputs, classes } = predictAll(model, dataset);
  return scoresOf(outputs, classes, dataset, reference);
}

/** {@link scoreTfModel} for a variant on any engine (ONNX Runtime runs asynchronously) */
export async function scoreRunner(runner: VariantRunner, dataset: Dataset, reference?: Int32Array): Promise<Scores> {
  let outputs = new Float32Array(0);
  let classes = 0;
  for (const { start, n, x } of batches(dataset)) {
    const { data } = await runner.run(x, n);
    if (start === 0) {
      classes = data.length / n;
      outputs = new Float32Array(dataset.count * classes);
    }
    outputs.set(data, start * classes);
  }
  return scoresOf(outputs, classes, dataset, reference);
}
