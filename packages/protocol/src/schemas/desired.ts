// fleet/v1/{id}/desired — console → device, QoS 1, retained. The variant the device should run.
import { z } from "zod";
import { MAX_ARTIFACT_BYTES, MAX_FILE_PATH_LENGTH, MAX_URL_LENGTH, MAX_VARIANT_FILES } from "../limits.ts";
import {
  ZByteSize,
  ZEd25519SignatureBase64,
  ZEngine,
  ZEntityId,
  ZPrecision,
  ZSchemaVersion,
  ZSha256Hex,
  ZTimestampMs,
} from "./common.ts";

const PATH_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** A relative path inside a variant directory: `/`-separated `[A-Za-z0-9._-]` segments, never `.` or `..`. */
export const ZRelativePath = z
  .string()
  .min(1)
  .max(MAX_FILE_PATH_LENGTH)
  .refine(
    (path) => path.split("/").every((segment) => PATH_SEGMENT.test(segment) && segment !== "." && segment !== ".."),
    "must be a relative path of [A-Za-z0-9._-] segments without . or ..",
  );

/** An absolute http(s) URL (short-lived and signed, minted by the console): printable ASCII, no spaces. */
export const ZHttpUrl = z
  .string()
  .max(MAX_URL_LENGTH)
  .regex(/^[!-~]+$/, "URL must be printable ASCII without spaces (percent-encode the rest)")
  .pipe(z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }));

// Not strict: the console may be newer than the agent; fields an agent may ignore are additive.
export const ZVariantFile = z.object({
  path: ZRelativePath,
  sha256: ZSha256Hex,
  bytes: z.int().min(0).max(MAX_ARTIFACT_BYTES),
});

// Not strict: as above. Anything an agent must not ignore needs a new schema version `v`.
export const ZDesiredVariant = z.object({
  /** Variant id (console). */
  id: ZEntityId,
  /** The model the variant was produced from. */
  modelId: ZEntityId,
  /** Where to GET the variant's manifest.json (HTTP, Range supported). */
  url: ZHttpUrl,
  /** sha256 of the manifest bytes served at `url`. */
  sha256: ZSha256Hex,
  /** Size of the manifest bytes served at `url`. */
  bytes: ZByteSize,
  /** ed25519 signature of exactly those manifest bytes, standard base64 (88 characters). */
  signature: ZEd25519SignatureBase64,
  precision: ZPrecision,
  engine: ZEngine,
  /** Optional preview of the manifest's files (for progress and disk checks); the signed manifest wins. */
  files: z
    .array(ZVariantFile)
    .min(1)
    .max(MAX_VARIANT_FILES)
    .superRefine((files, ctx) => {
      const seen = new Set<string>();
      files.forEach((file, index) => {
        if (seen.has(file.path)) {
          ctx.addIssue({ code: "custom", path: [index, "path"], message: `duplicate file path "${file.path}"` });
        }
        seen.add(file.path);
      });
    })
    .optional(),
});

// Not strict: the console may be newer than the agent (see ZDesiredVariant).
export const ZDesiredPayload = z.object({
  v: ZSchemaVersion,
  ts: ZTimestampMs,
  /** Revision of the device's desired state; grows with every change. Agents ignore rev <= the last applied. */
  rev: z.int().min(0),
  /** The variant to run, or null for "run nothing / unassigned". */
  variant: ZDesiredVariant.nullable(),
  /** The rollout that produced this desired state, when there is one. */
  rolloutId: ZEntityId.optional(),
});

export type TVariantFile = z.infer<typeof ZVariantFile>;
export type TDesiredVariant = z.infer<typeof ZDesiredVariant>;
export type TDesiredPayload = z.infer<typeof ZDesiredPayload>;
