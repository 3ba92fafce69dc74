// Simulated full-integer inference: int8 per-channel weights and every activation fake-quantized
// to uint8 with its calibrated range, for each calibration method.
import * as tf from "@tensorflow/tfjs";
import type { TActivationRange } from "@fleet/runtime";
import { runLayerByLayer } from "./capture-activations.ts";
import { CALIBRATION_METHODS, fakeQuantize, type CalibrationMethod } from "./calibrate.ts";
import type { Dataset } from "../inputs/dataset.ts";
import { matchPercent, top1 } from "../evaluate/score.ts";
import type { TVariantReport } from "../pipeline/report-schema.ts";

/** Accuracy with weights int8 per channel and every activation fake-quantized to uint8 with its calibrated range. */
export function simulateFullInt8(
  model: tf.LayersModel,
  val: Dataset,
  reference: Int32Array,
  ranges: Map<CalibrationMethod, TActivationRange[]>,
): NonNullable<TVariantReport["fullInt8"]> {
  return CALIBRATION_METHODS.map((method) => {
    const byLayer = new Map(ranges.get(method)!.map((r) => [r.layer, r]));
    const per = val.sampleShape.reduce((a, b) => a * b, 1);
    const outputs: Float32Array[] = [];
    let classes = 0;
    for (let start = 0; start < val.count; start += 256) {
      const n = Math.min(256, val.count - start);
      const out = tf.tidy(() => {
        const x = tf.tensor(val.x.subarray(start * per, (start + n) * per), [n, ...val.sampleShape]);
        const { output } = runLayerByLayer(model, x, (layer, value) => {
          const range = byLayer.get(layer);
          return range ? fakeQuantize(value, range) : value;
        });
        return output.reshape([n, -1]);
      });
      classes = out.shape[1]!;
      outputs.push(out.dataSync() as Float32Array);
      out.dispose();
    }
    const all = new Float32Array(val.count * classes);
    outputs.forEach((o, i) => all.set(o, i * 256 * classes));
    const predictions = top1(all, classes);
    return { method, accuracy: matchPercent(predictions, val.y!), agreement: matchPercent(predictions, reference) };
  });
}
