// Turns a staged upload into a validated model source, or refuses it with one clear sentence:
//   <dest>/model/{model.json, shards…}, <dest>/calib/x.npy, <dest>/val/{x,y}.npy
// Archives are listed before anything is extracted: an entry that leaves the archive (`../`, an
// absolute path), a link, a device file, too many entries or too many bytes refuse the whole upload.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { TModelJson } from "@fleet/runtime";
import { unzipSync } from "fflate";
import * as tar from "tar";
import { loadQuantize, loadRuntime } from "../lazy-packages.ts";

export const MAX_ARCHIVE_ENTRIES = 2_000;
const MODEL_JSON = "model.json";
const ARCHIVE = /\.(zip|tar|tgz|tar\.gz)$/i;

/** An upload that cannot become a model; the message is for the operator, as is. */
export class UploadInvalidError extends Error {
  override readonly name = "UploadInvalidError";
}

export interface TValidatedSource {
  /** "tfjs-layers" | "tfjs-graph" */
  format: "tfjs-layers" | "tfjs-graph";
  inputShape: (number | null)[];
  /** sha256 over the sorted (path, sha256) list of the model's files. */
  sourceSha256: string;
  /** Bytes of the model's files (model.json and shards). */
  sourceBytes: number;
  files: string[];
  calibration: { samples: number } | null;
  validation: { samples: number } | null;
}

/** A relative entry name that stays inside the archive, or the reason it does not. */
function entryProblem(name: string): string | null {
  if (name.includes("\0")) return "holds a NUL character";
  if (name.includes("\\")) return "uses backslashes";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "is an absolute path";
  if (name.split("/").some((segment) => segment === "..")) return "leaves the archive (path traversal)";
  return null;
}

function refuse(message: string): never {
  throw new UploadInvalidError(`${/[.!?]$/.test(message) ? message : `${message}.`} Nothing was stored.`);
}

async function extractZip(file: string, label: string, into: string, maxBytes: number): Promise<void> {
  const bytes = await readFile(file);
  let total = 0;
  let count = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter(info) {
        const problem = entryProblem(info.name);
        if (problem) refuse(`${label}: entry "${info.name}" ${problem}.`);
        if (++count > MAX_ARCHIVE_ENTRIES) refuse(`${label}: more than ${MAX_ARCHIVE_ENTRIES} entries.`);
        total += info.originalSize;
        if (total > maxBytes)
          refuse(`${label}: unpacks to more than the upload limit of ${Math.round(maxBytes / 1024 / 1024)} MB.`);
        return !info.name.endsWith("/");
      },
    });
  } catch (error) {
    if (error instanceof UploadInvalidError) throw error;
    refuse(`${label} is not a readable zip archive (${(error as Error).message}).`);
  }
  for (const [name, content] of Object.entries(entries)) {
    const target = path.join(into, name);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

async function extractTar(file: string, label: string, into: string, maxBytes: number): Promise<void> {
  // First pass lists and judges every entry; nothing is written unless all are acceptable.
  let total = 0;
  let count = 0;
  let problem: string | null = null;
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry(entry) {
        if (problem) return;
        const name = entry.path;
        const pathProblem = entryProblem(name);
        count += 1;
        total += entry.size ?? 0;
        if (pathProblem) problem = `entry "${name}" ${pathProblem}`;
        else if (entry.type !== "File" && entry.type !== "OldFile" && entry.type !== "Directory")
          problem = `entry "${name}" is a ${entry.type}, not a file`;
        else if (count > MAX_ARCHIVE_ENTRIES) problem = `more than ${MAX_ARCHIVE_ENTRIES} entries`;
        else if (total > maxBytes)
          problem = `unpacks to more than the upload limit of ${Math.round(maxBytes / 1024 / 1024)} MB`;
      },
    });
  } catch (error) {
    refuse(`${label} is not a readable tar archive (${(error as Error).message}).`);
  }
  if (problem) refuse(`${label}: ${problem}.`);
  if (count === 0) refuse(`${label} is empty or not a tar archive.`);
  await tar.x({ file, cwd: into, strict: true, preservePaths: false });
}

/** The directory holding model.json: the top level or one folder down. */
async function findModelDir(root: string, origin: string): Promise<string> {
  const direct = await stat(path.join(root, MODEL_JSON)).catch(() => null);
  if (direct?.isFile()) return root;
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const nested = await stat(path.join(root, entry.name, MODEL_JSON)).catch(() => null);
    if (nested?.isFile()) return path.join(root, entry.name);
  }
  refuse(`${origin} holds no model.json (at its top level or one folder down): expected a TF.js model.`);
}

/** The model's input shape from model.json, without loading the model. [] when not declared. */
export function inputShapeOf(modelJson: TModelJson): (number | null)[] {
  const topology = modelJson.modelTopology as Record<string, unknown>;
  const dims = (shape: unknown) =>
    Array.isArray(shape) ? shape.map((d) => (typeof d === "number" && d >= 0 ? d : null)) : null;
  // layers model: model_config.config.layers[*] InputLayer batch_input_shape (Keras 2) or batch_shape (Keras 3)
  const modelConfig = (topology["model_config"] ?? topology) as { config?: { layers?: unknown[] } };
  for (const layer of modelConfig.config?.layers ?? []) {
    const config = (layer as { config?: Record<string, unknown> }).config ?? {};
    const shape = dims(config["batch_input_shape"] ?? config["batch_shape"] ?? config["batchInputShape"]);
    if (shape) return shape;
  }
  // graph model: the first Placeholder's shape attribute
  for (const node of (topology["node"] as
    | Array<{ op?: string; attr?: { shape?: { shape?: { dim?: Array<{ size?: string }> } } } }>
    | undefined) ?? []) {
    if (node.op !== "Placeholder") continue;
    const dim = node.attr?.shape?.shape?.dim;
    if (dim) return dim.map((d) => (d.size === undefined || Number(d.size) < 0 ? null : Number(d.size)));
  }
  return [];
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Server paths in library messages become the names the operator uploaded. */
function operatorMessage(message: string, replacements: Array<[string, string]>): string {
  let text = message;
  for (const [from, to] of replacements) text = text.split(from).join(to);
  return text;
}

/**
 * Validates the upload staged in `staged` and writes the model source into `dest` (which must not
 * exist). On any refusal `dest` is removed and an UploadInvalidError says why.
 */
export async function validateUpload(options: {
  staged: string;
  dest: string;
  maxBytes: number;
}): Promise<TValidatedSource> {
  const { staged, dest } = options;
  const { checkDatasetShape, loadDataset, QuantizeError } = await loadQuantize();
  const { modelFormatOf, parseModelJson, readModelFiles, RuntimeError } = await loadRuntime();
  await mkdir(dest, { recursive: true });
  try {
    const modelFiles = (await readdir(path.join(staged, "model")).catch(() => [] as string[])).filter(
      (name) => !name.endsWith(".part"),
    );
    if (modelFiles.length === 0)
      refuse("Choose the model: model.json with its weight files, or a .zip/.tar/.tar.gz archive of them.");
    const modelDest = path.join(dest, "model");
    const archives = modelFiles.filter((name) => ARCHIVE.test(name));
    let modelDir: string;
    if (archives.length > 0) {
      if (modelFiles.length > 1) refuse("Upload either one archive or the model's files, not both.");
      const name = archives[0]!;
      const unpacked = path.join(dest, "unpacked");
      await mkdir(unpacked, { recursive: true });
      if (/\.zip$/i.test(name)) await extractZip(path.join(staged, "model", name), name, unpacked, options.maxBytes);
      else await extractTar(path.join(staged, "model", name), name, unpacked, options.maxBytes);
      modelDir = await findModelDir(unpacked, name);
    } else {
      if (!modelFiles.includes(MODEL_JSON)) {
        refuse(
          `${modelFiles.join(", ")}: not a TF.js model. Upload model.json with its weight files, or a .zip/.tar/.tar.gz archive of them.`,
        );
      }
      modelDir = path.join(staged, "model");
    }

    let modelJson: TModelJson;
    try {
      modelJson = parseModelJson(await readFile(path.join(modelDir, MODEL_JSON), "utf8"));
    } catch (error) {
      refuse(
        `model.json is not a TF.js model (${error instanceof RuntimeError ? error.message : (error as Error).message}).`,
      );
    }
    for (const group of modelJson.weightsManifest) {
      for (const weight of group.weights) {
        if (weight.quantization)
          refuse(
            `model.json: weight "${weight.name}" is already quantized (${weight.quantization.dtype}); upload the float32 model.`,
          );
      }
    }
    try {
      // Reads every shard and checks its size against the tensors it must hold.
      await readModelFiles(modelDir);
    } catch (error) {
      if (error instanceof RuntimeError)
        refuse(
          operatorMessage(error.message, [
            [`${modelDir}/`, ""],
            [modelDir, "the upload"],
          ]),
        );
      throw error;
    }

    // Keep exactly the files the model uses.
    const listed = [MODEL_JSON, ...modelJson.weightsManifest.flatMap((group) => group.paths)];
    await mkdir(modelDest, { recursive: true });
    const entries: string[] = [];
    let sourceBytes = 0;
    for (const file of [...new Set(listed)]) {
      const target = path.join(modelDest, file);
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(path.join(/* turbopackIgnore: true */ modelDir, file), target);
      sourceBytes += (await stat(target)).size;
      entries.push(`${file}\0${await sha256File(target)}`);
    }
    await rm(path.join(dest, "unpacked"), { recursive: true, force: true });
    const inputShape = inputShapeOf(modelJson);

    // Optional data sets, checked against the model's input now rather than minutes into a job.
    const dataset = async (slot: "calib" | "val", labels: boolean, purpose: string) => {
      const files = (await readdir(path.join(staged, slot)).catch(() => [] as string[])).filter(
        (name) => !name.endsWith(".part"),
      );
      if (files.length === 0) return null;
      const expected = labels ? ["x.npy", "y.npy"] : ["x.npy"];
      const unexpected = files.filter((name) => !expected.includes(name));
      if (unexpected.length > 0)
        refuse(`${purpose} data: expected ${expected.join(" and ")}, got ${unexpected.join(", ")}.`);
      const dir = path.join(dest, slot);
      await mkdir(dir, { recursive: true });
      for (const name of files) await copyFile(path.join(staged, slot, name), path.join(dir, name));
      try {
        const loaded = await loadDataset(dir, { labels, purpose });
        if (inputShape.length > 0) checkDatasetShape(loaded, inputShape);
        return { samples: loaded.count };
      } catch (error) {
        if (error instanceof QuantizeError)
          refuse(
            operatorMessage(error.message, [
              [`${dir}/`, `${purpose} `],
              [dir, `${purpose} data`],
            ]),
          );
        throw error;
      }
    };
    const calibration = await dataset("calib", false, "calibration");
    const validation = await dataset("val", true, "validation");

    return {
      format: modelFormatOf(modelJson) === "graph-model" ? "tfjs-graph" : "tfjs-layers",
      inputShape,
      sourceSha256: createHash("sha256").update(entries.sort().join("\n")).digest("hex"),
      sourceBytes,
      files: [...new Set(listed)],
      calibration,
      validation,
    };
  } catch (error) {
    await rm(dest, { recursive: true, force: true });
    throw error;
  }
}
