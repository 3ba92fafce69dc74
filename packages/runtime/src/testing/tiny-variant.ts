// Test helper: a tiny Dense model written as a variant directory with a correct manifest, so the
// runtime's tests need neither the quantizer nor a fixture.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { initializers, layers, sequential } from "@tensorflow/tfjs-layers";
import { encodeInlineTensor, MANIFEST_FILE, type TManifest } from "../manifest.ts";
import { sha256Hex } from "../verify-files.ts";

export const TINY_INPUT = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);

export async function writeTinyVariant(
  dir: string,
  options: { manifest?: boolean } = {},
): Promise<{ manifest?: TManifest; expected: Float32Array }> {
  mkdirSync(dir, { recursive: true });
  const model = sequential({
    layers: [
      layers.dense({
        name: "hidden",
        inputShape: [4],
        units: 6,
        activation: "relu",
        kernelInitializer: initializers.glorotUniform({ seed: 1 }),
        biasInitializer: "ones",
      }),
      layers.dense({ name: "out", units: 3, kernelInitializer: initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  const expected = tf.tidy(
    () => (model.predict(tf.tensor(TINY_INPUT, [2, 4])) as tf.Tensor).dataSync() as Float32Array,
  );
  const files: { path: string; bytes: Uint8Array }[] = [];
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const shard = new Uint8Array(artifacts.weightData as ArrayBuffer);
      const modelJson = new TextEncoder().encode(
        JSON.stringify({
          format: "layers-model",
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ["group1-shard1of1.bin"], weights: artifacts.weightSpecs }],
        }),
      );
      files.push({ path: "model.json", bytes: modelJson }, { path: "group1-shard1of1.bin", bytes: shard });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  model.dispose();
  for (const f of files) writeFileSync(join(dir, f.path), f.bytes);
  if (options.manifest === false) return { expected };
  const listed = files.map((f) => ({ path: f.path, bytes: f.bytes.byteLength, sha256: sha256Hex(f.bytes) }));
  const manifest: TManifest = {
    formatVersion: 1,
    engine: "tfjs",
    modelFormat: "layers-model",
    variant: "fp32",
    createdBy: "runtime tests",
    entry: "model.json",
    files: listed,
    bytes: listed.reduce((s, f) => s + f.bytes, 0),
    input: { name: "input", shape: [null, 4] },
    output: { name: "output", shape: [null, 3] },
    layers: [
      { name: "hidden", op: "Dense", precision: "fp32", weights: ["hidden/kernel", "hidden/bias"] },
      { name: "out", op: "Dense", precision: "fp32", weights: ["out/kernel", "out/bias"] },
    ],
    selfTest: {
      input: encodeInlineTensor(TINY_INPUT, [2, 4]),
      output: encodeInlineTensor(expected, [2, 3]),
      tolerance: { absolute: 1e-4, relative: 1e-4 },
    },
  };
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  return { manifest, expected };
}
