// Reads a TF.js model directory (model.json + weight shards) and decodes every weight to
// float32, checking sizes on the way so a short or missing shard names itself and the tensor.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FILE_FORMATS } from "@fleet/variants";
import { z } from "zod";
import { RuntimeError } from "./errors.ts";
import { decodeWeight, entryByteLength, ZWeightEntry, type TWeightEntry } from "./weight-codec.ts";

export const MODEL_JSON = "model.json";

const ZShardPath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith("/") && !p.split(/[\\/]/).includes(".."),
    "shard path must stay inside the model directory",
  );

export const ZModelJson = z.looseObject({
  format: z.string().optional(),
  generatedBy: z.string().nullable().optional(),
  convertedBy: z.string().nullable().optional(),
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.array(z.object({ paths: z.array(ZShardPath).min(1), weights: z.array(ZWeightEntry) })),
});
export type TModelJson = z.infer<typeof ZModelJson>;
/** the format of a TF.js model.json: the vocabulary's model formats of the `tfjs-model` file format */
export type ModelFormat = (typeof FILE_FORMATS)["tfjs-model"]["modelFormats"][number];

export interface DecodedWeight {
  entry: TWeightEntry;
  values: Float32Array | Int32Array | Uint8Array;
}

export interface ModelFiles {
  modelJson: TModelJson;
  format: ModelFormat;
  weights: DecodedWeight[];
  /** relative paths of every file read (model.json first) */
  files: string[];
}

export function modelFormatOf(modelJson: TModelJson): ModelFormat {
  if (modelJson.format === "graph-model" || Array.isArray(modelJson.modelTopology["node"])) return "graph-model";
  return "layers-model";
}

export function parseModelJson(text: string, file = MODEL_JSON): TModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RuntimeError(
      "MODEL_JSON_INVALID",
      `${file}: not valid JSON, the file is corrupt or truncated (${(error as Error).message})`,
      file,
    );
  }
  const parsed = ZModelJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RuntimeError(
      "MODEL_JSON_INVALID",
      `${file}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
      file,
    );
  }
  return parsed.data;
}

async function readRequired(dir: string, path: string): Promise<Buffer> {
  try {
    return await readFile(join(dir, path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new RuntimeError("FILE_MISSING", `${path}: file is missing from ${dir}`, path);
    throw error;
  }
}

export async function readModelFiles(dir: string, entry = MODEL_JSON): Promise<ModelFiles> {
  const modelJson = parseModelJson((await readRequired(dir, entry)).toString("utf8"), entry);
  const files = [entry];
  const weights: DecodedWeight[] = [];
  for (const group of modelJson.weightsManifest) {
    const shards = await Promise.all(group.paths.map((p) => readRequired(dir, p)));
    files.push(...group.paths);
    const data = Buffer.concat(shards);
    // shard boundaries, to name the shard a tensor falls in
    const ends: number[] = [];
    for (const shard of shards) ends.push((ends.at(-1) ?? 0) + shard.byteLength);
    const shardAt = (offset: number) =>
      group.paths[
        Math.max(
          0,
          ends.findIndex((end) => offset < end),
        )
      ] ?? group.paths.at(-1)!;
    let offset = 0;
    for (const spec of group.weights) {
      const length = entryByteLength(spec);
      if (offset + length > data.byteLength) {
        throw new RuntimeError(
          "FILE_SHORT",
          `${shardAt(offset)}: shard is short: weight "${spec.name}" [${spec.shape.join(", ")}] needs bytes ${offset}..${offset + length} of the group, the shards hold ${data.byteLength}`,
          spec.name,
        );
      }
      weights.push({ entry: spec, values: decodeWeight(spec, data.subarray(offset, offset + length)) });
      offset += length;
    }
    if (offset !== data.byteLength) {
      throw new RuntimeError(
        "SIZE_MISMATCH",
        `${group.paths.join(", ")}: shards hold ${data.byteLength} bytes, the weights manifest describes ${offset}`,
        group.paths[0],
      );
    }
  }
  return { modelJson, format: modelFormatOf(modelJson), weights, files };
}
