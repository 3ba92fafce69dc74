// Test fixture: a one-layer Dense model (4 → 3) written by hand as a TF.js layers-model variant
// (model.json + weights.bin + manifest.json with a golden self-test), signed like the console does.
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { encodeInlineTensor, type TManifest } from "@fleet/runtime";
import type { TDesiredVariant } from "@fleet/protocol";

export const TINY_INPUT = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function modelJson(): string {
  return JSON.stringify({
    format: "layers-model",
    generatedBy: "fleet-agent tests",
    convertedBy: null,
    modelTopology: {
      class_name: "Sequential",
      config: {
        name: "tiny",
        layers: [
          {
            class_name: "Dense",
            config: {
              name: "dense",
              units: 3,
              activation: "linear",
              use_bias: true,
              batch_input_shape: [null, 4],
              dtype: "float32",
              trainable: true,
              kernel_initializer: { class_name: "Zeros", config: {} },
              bias_initializer: { class_name: "Zeros", config: {} },
            },
          },
        ],
      },
      keras_version: "tfjs-layers 4.22.0",
      backend: "tensor_flow.js",
    },
    weightsManifest: [
      {
        paths: ["weights.bin"],
        weights: [
          { name: "dense/kernel", shape: [4, 3], dtype: "float32" },
          { name: "dense/bias", shape: [3], dtype: "float32" },
        ],
      },
    ],
  });
}

/** y = x·W + b for the batch in `input` ([n, 4]) */
function forward(kernel: Float32Array, bias: Float32Array, input: Float32Array): Float32Array {
  const rows = input.length / 4;
  const out = new Float32Array(rows * 3);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < 3; j++) {
      let sum = bias[j]!;
      for (let i = 0; i < 4; i++) sum += input[r * 4 + i]! * kernel[i * 3 + j]!;
      out[r * 3 + j] = sum;
    }
  }
  return out;
}

export interface TTinyVariantOptions {
  /** scales the weights: different versions of "the same" model */
  scale?: number;
  /** writes a golden output that the model does not produce: the self-test fails */
  wrongGolden?: boolean;
}

export interface TTinyVariant {
  dir: string;
  manifestBytes: Buffer;
  kernel: Float32Array;
  bias: Float32Array;
  expect(input: Float32Array): Float32Array;
}

export async function writeTinyVariant(dir: string, options: TTinyVariantOptions = {}): Promise<TTinyVariant> {
  const scale = options.scale ?? 1;
  const kernel = Float32Array.from({ length: 12 }, (_, i) => ((i % 5) - 2) * 0.25 * scale);
  const bias = Float32Array.from([0.1, -0.2, 0.3].map((b) => b * scale));
  const weights = new Uint8Array(Buffer.concat([Buffer.from(kernel.buffer), Buffer.from(bias.buffer)]));
  const model = Buffer.from(modelJson());
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "model.json"), model);
  await writeFile(path.join(dir, "weights.bin"), weights);
  const files = [
    { path: "model.json", bytes: model.length, sha256: sha256(model) },
    { path: "weights.bin", bytes: weights.length, sha256: sha256(weights) },
  ];
  const golden = forward(kernel, bias, TINY_INPUT);
  if (options.wrongGolden) golden[0] = golden[0]! + 1;
  const manifest: TManifest = {
    formatVersion: 1,
    engine: "tfjs",
    modelFormat: "layers-model",
    variant: "fp32",
    createdBy: "fleet-agent tests",
    entry: "model.json",
    files,
    bytes: files.reduce((s, f) => s + f.bytes, 0),
    input: { name: "input", shape: [null, 4] },
    output: { name: "output", shape: [null, 3] },
    layers: [{ name: "dense", op: "Dense", precision: "fp32", weights: ["dense/kernel", "dense/bias"] }],
    selfTest: {
      input: encodeInlineTensor(TINY_INPUT, [2, 4]),
      output: encodeInlineTensor(golden, [2, 3]),
      tolerance: { absolute: 1e-4, relative: 1e-4 },
    },
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2));
  await writeFile(path.join(dir, "manifest.json"), manifestBytes);
  return { dir, manifestBytes, kernel, bias, expect: (input) => forward(kernel, bias, input) };
}

export interface TSigningKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
}

export function signingKeys(): TSigningKeys {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

/** The desired variant the console would publish for a variant served at `manifestUrl`. */
export function desiredVariant(
  id: string,
  manifestBytes: Uint8Array,
  manifestUrl: string,
  keys: Pick<TSigningKeys, "privateKey">,
): TDesiredVariant {
  return {
    id,
    modelId: "tiny",
    url: manifestUrl,
    sha256: sha256(manifestBytes),
    bytes: manifestBytes.length,
    signature: sign(null, manifestBytes, keys.privateKey).toString("base64"),
    precision: "fp32",
    engine: "tfjs",
  };
}
