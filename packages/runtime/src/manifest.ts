// manifest.json of a variant (docs/architecture.md, "Artifacts and trust"). The console signs these exact
// bytes (ed25519), so the signature lives outside the file. What a variant is (its kind, engine,
// layer precisions, model format) is spelled by @fleet/variants' table, which the schema holds it to.
import {
  FILE_FORMATS,
  fileFormatOfModelFormat,
  VARIANT_KINDS,
  ZEngine,
  ZModelFormat,
  ZVariantKind,
  ZWeightPrecision,
} from "@fleet/variants";
import { z } from "zod";
import { RuntimeError } from "./errors.ts";

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_FORMAT_VERSION = 1;

const ZSha256 = z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lowercase hex digits");
/** a plain relative file name inside the variant directory: no traversal, no absolute paths */
const ZRelativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.split(/[\\/]/).includes(".."), "path must stay inside the variant directory");

export const ZManifestFile = z.object({
  path: ZRelativePath,
  bytes: z.number().int().nonnegative(),
  sha256: ZSha256,
});

/** A float32 tensor inlined as base64 of its little-endian bytes (exact, compact). */
export const ZInlineTensor = z.object({
  dtype: z.literal("float32"),
  shape: z.array(z.number().int().nonnegative()),
  base64: z.string(),
});
export type TInlineTensor = z.infer<typeof ZInlineTensor>;

export const ZLayerPrecision = z.object({
  /** layer name (layers model) or op node name (graph model) */
  name: z.string(),
  /** Conv2D, DepthwiseConv2D, Dense or the graph op */
  op: z.string(),
  precision: ZWeightPrecision,
  /** the weight tensors of this layer, as named in model.json */
  weights: z.array(z.string()),
  /** int4: elements per scale along the reduction axis (0 = one scale per output channel) */
  groupSize: z.number().int().nonnegative().optional(),
  /** int8/int4: whether the bias was corrected for the weights' quantization error */
  biasCorrected: z.boolean().optional(),
});

export const ZActivationRange = z.object({
  layer: z.string(),
  min: z.number(),
  max: z.number(),
  /** uint8 affine parameters derived from min/max: real = scale * (q - zeroPoint) */
  scale: z.number().positive(),
  zeroPoint: z.number().int().min(0).max(255),
});

export const ZManifest = z
  .object({
    formatVersion: z.literal(MANIFEST_FORMAT_VERSION),
    engine: ZEngine,
    /** what the entry file is: a TF.js model.json (layers or graph) or an ONNX model */
    modelFormat: ZModelFormat,
    variant: ZVariantKind,
    createdBy: z.string(),
    /** the file to load: TF.js model.json or model.onnx */
    entry: ZRelativePath,
    files: z.array(ZManifestFile).min(1),
    /** sum of `files[].bytes` */
    bytes: z.number().int().nonnegative(),
    input: z.object({ name: z.string(), shape: z.array(z.number().int().nullable()) }),
    output: z.object({ name: z.string(), shape: z.array(z.number().int().nullable()) }),
    layers: z.array(ZLayerPrecision),
    activations: z
      .object({
        method: z.enum(["minmax", "percentile", "mse"]),
        samples: z.number().int().positive(),
        ranges: z.array(ZActivationRange),
      })
      .optional(),
    selfTest: z.object({
      input: ZInlineTensor,
      output: ZInlineTensor,
      /** |actual - expected| <= absolute + relative * |expected|, element-wise */
      tolerance: z.object({ absolute: z.number().nonnegative(), relative: z.number().nonnegative() }),
    }),
  })
  .superRefine((m, ctx) => {
    // the kind's row decides the engine and the file format; the manifest must say the same
    const kind = VARIANT_KINDS[m.variant];
    if (kind.engine !== m.engine) {
      ctx.addIssue({ code: "custom", path: ["variant"], message: "the variant kind belongs to another engine" });
    }
    if (kind.fileFormat !== fileFormatOfModelFormat(m.modelFormat)) {
      const formats = FILE_FORMATS[kind.fileFormat].modelFormats.join(" or ");
      ctx.addIssue({
        code: "custom",
        path: ["modelFormat"],
        message: `the ${m.variant} variant of engine ${kind.engine} runs exactly the modelFormat ${formats}`,
      });
    }
  });
export type TManifest = z.infer<typeof ZManifest>;
export type TManifestFile = z.infer<typeof ZManifestFile>;
export type TLayerPrecision = z.infer<typeof ZLayerPrecision>;
export type TActivationRange = z.infer<typeof ZActivationRange>;

export function parseManifest(text: string, file = MANIFEST_FILE): TManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RuntimeError("MANIFEST_INVALID", `${file}: not valid JSON (${(error as Error).message})`, file);
  }
  const parsed = ZManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "(root)";
    throw new RuntimeError("MANIFEST_INVALID", `${file}: ${where}: ${issue?.message ?? "invalid"}`, file);
  }
  return parsed.data;
}

export function encodeInlineTensor(data: Float32Array, shape: number[]): TInlineTensor {
  return {
    dtype: "float32",
    shape,
    base64: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64"),
  };
}

export function decodeInlineTensor(tensor: TInlineTensor, what: string): Float32Array {
  const bytes = Buffer.from(tensor.base64, "base64");
  const expected = tensor.shape.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== expected * 4) {
    throw new RuntimeError(
      "MANIFEST_INVALID",
      `${MANIFEST_FILE}: ${what} holds ${bytes.byteLength / 4} values, shape [${tensor.shape.join(", ")}] needs ${expected}`,
      what,
    );
  }
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, expected);
}
