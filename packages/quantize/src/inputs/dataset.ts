// Data set directories (docs/architecture.md, "Data sets"): x.npy (float32 [N, ...input shape]) and, for validation,
// y.npy (integer class labels [N]).
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { QuantizeError } from "../errors.ts";
import { encodeNpy, parseNpy } from "./npy.ts";

export interface Dataset {
  /** row-major float32 [count, ...sampleShape] */
  x: Float32Array;
  sampleShape: number[];
  count: number;
  y?: Int32Array;
  source: string;
}

async function readNpy(dir: string, name: string) {
  const file = join(dir, name);
  try {
    return parseNpy(await readFile(file), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new QuantizeError(
        "DATASET_INVALID",
        `${file}: missing (a data directory holds x.npy and, for validation, y.npy)`,
        file,
      );
    throw error;
  }
}

export async function loadDataset(dir: string, options: { labels: boolean; purpose: string }): Promise<Dataset> {
  const x = await readNpy(dir, "x.npy");
  const xFile = join(dir, "x.npy");
  if (x.shape.length < 2)
    throw new QuantizeError(
      "DATASET_INVALID",
      `${xFile}: shape [${x.shape.join(", ")}] must be [N, ...input shape]`,
      xFile,
    );
  const count = x.shape[0]!;
  if (count === 0)
    throw new QuantizeError("DATASET_EMPTY", `${xFile}: the ${options.purpose} set is empty (0 samples)`, xFile);
  const values = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data as ArrayLike<number>, Number);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!))
      throw new QuantizeError("DATASET_INVALID", `${xFile}: element ${i} is ${values[i]}`, xFile);
  }
  const dataset: Dataset = { x: values, sampleShape: x.shape.slice(1), count, source: dir };
  if (!options.labels) return dataset;
  const y = await readNpy(dir, "y.npy");
  const yFile = join(dir, "y.npy");
  if (y.dtype === "float32" || y.dtype === "float64")
    throw new QuantizeError("DATASET_INVALID", `${yFile}: labels must be integers, got ${y.dtype}`, yFile);
  if (y.shape.length !== 1 || y.shape[0] !== count)
    throw new QuantizeError(
      "DATASET_INVALID",
      `${yFile}: shape [${y.shape.join(", ")}] must be [${count}] to match x.npy`,
      yFile,
    );
  dataset.y = Int32Array.from(y.data as ArrayLike<number | bigint>, Number);
  return dataset;
}

/** checks the samples fit the model input (batch dimension excluded; null = any) */
export function checkDatasetShape(dataset: Dataset, inputShape: (number | null)[]): void {
  const expected = inputShape.slice(1);
  const ok =
    expected.length === dataset.sampleShape.length &&
    expected.every((d, i) => d === null || d === dataset.sampleShape[i]);
  if (!ok) {
    const file = join(dataset.source, "x.npy");
    throw new QuantizeError(
      "DATASET_INVALID",
      `${file}: samples are [${dataset.sampleShape.join(", ")}], the model input is [${expected.map((d) => d ?? "?").join(", ")}]`,
      file,
    );
  }
}

export function sliceDataset(dataset: Dataset, count: number): Dataset {
  const n = Math.min(count, dataset.count);
  const per = dataset.sampleShape.reduce((a, b) => a * b, 1);
  const sliced: Dataset = { ...dataset, x: dataset.x.subarray(0, n * per), count: n };
  if (dataset.y) sliced.y = dataset.y.subarray(0, n);
  return sliced;
}

export async function writeDataset(
  dir: string,
  dataset: { x: Float32Array; sampleShape: number[]; count: number; y?: Int32Array },
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "x.npy"), encodeNpy(dataset.x, [dataset.count, ...dataset.sampleShape]));
  if (dataset.y) await writeFile(join(dir, "y.npy"), encodeNpy(dataset.y, [dataset.count]));
}
