// Test helper: the MNIST CNN fixture (fixtures/mnist-cnn.onnx) written as a variant of the onnx engine
// directory with a correct manifest and golden output computed by ONNX Runtime.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeInlineTensor, MANIFEST_FILE, type TManifest } from "../manifest.ts";
import { openOnnxSession } from "../onnx/onnx-session.ts";
import { sha256Hex } from "../verify-files.ts";

export const ONNX_FIXTURE = join(import.meta.dirname, "..", "..", "fixtures", "mnist-cnn.onnx");
export const MNIST_PIXELS = 28 * 28;

export function goldenDigits(): Float32Array {
  // two fixed "images": a gradient and a bright bar
  const x = new Float32Array(2 * MNIST_PIXELS);
  for (let i = 0; i < MNIST_PIXELS; i++) x[i] = (i % 28) / 27;
  for (let r = 6; r < 22; r++) x[MNIST_PIXELS + r * 28 + 14] = 1;
  return x;
}

export async function writeOnnxVariant(
  dir: string,
  edit: (manifest: TManifest) => void = () => {},
): Promise<TManifest> {
  mkdirSync(dir, { recursive: true });
  copyFileSync(ONNX_FIXTURE, join(dir, "model.onnx"));
  const bytes = readFileSync(join(dir, "model.onnx"));
  const session = await openOnnxSession(bytes, { threads: 1 });
  const x = goldenDigits();
  const { data } = await session.predict(x, 2);
  await session.dispose();
  const manifest: TManifest = {
    formatVersion: 1,
    engine: "onnx",
    modelFormat: "onnx",
    variant: "onnx-fp32",
    createdBy: "runtime tests",
    entry: "model.onnx",
    files: [{ path: "model.onnx", bytes: bytes.byteLength, sha256: sha256Hex(bytes) }],
    bytes: bytes.byteLength,
    input: { name: "input", shape: [null, 28, 28, 1] },
    output: { name: "output", shape: [null, 10] },
    layers: [],
    selfTest: {
      input: encodeInlineTensor(x, [2, 28, 28, 1]),
      output: encodeInlineTensor(data, [2, 10]),
      tolerance: { absolute: 1e-4, relative: 1e-4 },
    },
  };
  edit(manifest);
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  return manifest;
}
