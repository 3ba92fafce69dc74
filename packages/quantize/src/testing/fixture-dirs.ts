// Test helper: a synthetic model plus calibration / validation directories in a temp folder.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { writeDataset } from "../inputs/dataset.ts";
import {
  centerOutputs,
  saveLayersModel,
  syntheticConvnet,
  syntheticData,
  type SyntheticOptions,
} from "./synthetic-model.ts";

export interface SyntheticWorkspace {
  root: string;
  model: string;
  calib: string;
  val: string;
}

/** labels are the model's own predictions, so fp32 scores 100% and every variant's loss is visible */
export async function syntheticWorkspace(
  options: SyntheticOptions & { samples?: number } = {},
): Promise<SyntheticWorkspace> {
  const root = mkdtempSync(join(tmpdir(), "fleet-quantize-ws-"));
  const inputShape = options.inputShape ?? [16, 16, 3];
  const samples = options.samples ?? 128;
  const model = syntheticConvnet({ ...options, inputShape });
  const paths = { root, model: join(root, "model"), calib: join(root, "calib"), val: join(root, "val") };
  const x = syntheticData(samples, inputShape, 11);
  tf.tidy(() => centerOutputs(model, tf.tensor(x, [samples, ...inputShape])));
  await saveLayersModel(model, paths.model);
  const y = tf.tidy(() =>
    Int32Array.from((model.predict(tf.tensor(x, [samples, ...inputShape])) as tf.Tensor).argMax(-1).dataSync()),
  );
  await writeDataset(paths.val, { x, sampleShape: inputShape, count: samples, y });
  await writeDataset(paths.calib, { x: syntheticData(32, inputShape, 5), sampleShape: inputShape, count: 32 });
  model.dispose();
  return paths;
}
