// File formats: what a variant directory holds besides manifest.json, and which `modelFormat`
// values of a manifest belong to each.
import { z } from "zod";

export const FILE_FORMATS = {
  "tfjs-model": {
    entry: "model.json",
    modelFormats: ["layers-model", "graph-model"],
    description: "a TF.js model.json (layers or graph model) and its binary weight shards",
  },
  "onnx-model": {
    entry: "model.onnx",
    modelFormats: ["onnx"],
    description: "one ONNX protobuf (opset 17) holding graph and weights",
  },
} as const satisfies Record<string, { entry: string; modelFormats: readonly string[]; description: string }>;

export type TFileFormat = keyof typeof FILE_FORMATS;
export const FILE_FORMAT_NAMES = Object.keys(FILE_FORMATS) as [TFileFormat, ...TFileFormat[]];
export const ZFileFormat = z.enum(FILE_FORMAT_NAMES);

/** A manifest's `modelFormat`: what its entry file is. */
export type TModelFormat = (typeof FILE_FORMATS)[TFileFormat]["modelFormats"][number];
export const MODEL_FORMATS = Object.values(FILE_FORMATS).flatMap((format) => format.modelFormats) as [
  TModelFormat,
  ...TModelFormat[],
];
export const ZModelFormat = z.enum(MODEL_FORMATS);

const FILE_FORMAT_OF_MODEL_FORMAT = Object.fromEntries(
  FILE_FORMAT_NAMES.flatMap((name) => FILE_FORMATS[name].modelFormats.map((modelFormat) => [modelFormat, name])),
) as Record<TModelFormat, TFileFormat>;

/** The file format a manifest's `modelFormat` belongs to. */
export function fileFormatOfModelFormat(modelFormat: TModelFormat): TFileFormat {
  return FILE_FORMAT_OF_MODEL_FORMAT[modelFormat];
}
