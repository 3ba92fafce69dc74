// Building blocks shared by the payload schemas. Every string and array is bounded: payloads are hostile.
import { z } from "zod";
import { MAX_ARTIFACT_BYTES, MAX_ENTITY_ID_LENGTH, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from "../limits.ts";
import { hasLoneSurrogate } from "../utf8.ts";

/** Version of the payload schemas. Additive, optional fields keep it; anything else bumps it. */
export const SCHEMA_VERSION = 1;
export const ZSchemaVersion = z.literal(SCHEMA_VERSION);

/** `ts`: integer milliseconds since the Unix epoch (UTC, like Date.now()), within [2000, 2100). */
export const ZTimestampMs = z
  .int()
  .min(MIN_TIMESTAMP_MS)
  .max(MAX_TIMESTAMP_MS - 1);

/**
 * Ids minted by the console (variant, model, rollout): 1..128 of `[A-Za-z0-9._:-]`, starting with a
 * letter or digit. Fits cuid, uuid, nanoid-without-underscore-start and slugs like `mnist-int8`.
 */
export const ENTITY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
export const ZEntityId = z.string().max(MAX_ENTITY_ID_LENGTH).regex(ENTITY_ID_PATTERN, "invalid id");

/** Lower-case hex SHA-256 digest. */
export const ZSha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lower-case hex characters (sha256)");

/** An ed25519 signature (64 bytes) in standard padded base64: 88 characters ending in `==`. */
export const ZEd25519SignatureBase64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]{86}==$/, "expected a base64 ed25519 signature (88 characters)");

// A variant's precision and engine on the wire: the vocabulary's own enums (lower case), not copies.
export { ENGINES, PRECISIONS, ZEngine, ZPrecision, type TEngine, type TPrecision } from "@fleet/variants";

/** A size in bytes of an artifact or file: 1 B .. 64 GiB. */
export const ZByteSize = z.int().min(1).max(MAX_ARTIFACT_BYTES);

/** A finite number >= 0 and <= max (zod numbers already refuse NaN and ±Infinity). */
export function nonNegative(max: number): z.ZodNumber {
  return z.number().min(0).max(max);
}

/** A count (integer >= 0, safe). */
export const ZCount = z.int().min(0);

/** A percentage 0..100. */
export const ZPercent = z.number().min(0).max(100);

/** A short machine name such as an arch, engine or backend: `x64`, `wasm`, `CPUExecutionProvider`. */
export const ZToken = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, "expected a short name of letters, digits and ._+-");

const CONTROL_CHARS = /[\u0000-\u001F\u007F]/;
const CONTROL_CHARS_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** One line of human text, min..max characters: no control characters, no unpaired surrogates. */
export function textLine(max: number, min = 1): z.ZodString {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((text) => !CONTROL_CHARS.test(text), "must not contain control characters")
    .refine((text) => !hasLoneSurrogate(text), "must not contain unpaired surrogates");
}

/**
 * Free text such as a log message, 0..max characters: tabs and newlines allowed, no other control
 * characters (NUL breaks Postgres text columns) and no unpaired surrogates.
 */
export function textBlock(max: number): z.ZodString {
  return z
    .string()
    .max(max)
    .refine((text) => !CONTROL_CHARS_EXCEPT_WHITESPACE.test(text), "must not contain control characters")
    .refine((text) => !hasLoneSurrogate(text), "must not contain unpaired surrogates");
}
