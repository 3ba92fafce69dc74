// Why an agent failed to install a variant: the codes of `reported.error.code`. They are wire
// protocol, so they live here; an agent imports them and a console switches on them. A newer agent
// may send a code this version does not know: readers keep it as `other` (the code survives in the
// message), never refuse the report.
import { z } from "zod";
import { MAX_ERROR_MESSAGE_LENGTH } from "../limits.ts";
import { textBlock } from "./common.ts";

export const AGENT_ERROR_CODES = [
  "bad_desired", // the desired payload did not decode
  "too_large", // the desired payload or the variant is over a limit
  "download_failed", // an artifact could not be fetched (HTTP status, network)
  "download_truncated", // a file ended before its declared size
  "bad_signature", // the manifest's ed25519 signature does not verify
  "hash_mismatch", // a file's sha256 or size differs from the manifest
  "bad_manifest", // manifest.json is invalid or names a missing file
  "load_failed", // the engine could not load the model
  "self_test_failed", // the model loaded but missed the manifest's golden output
  "out_of_memory", // loading ran out of memory
  "no_public_key", // the agent has no key to verify signatures with
  "unsupported_engine", // the variant's engine does not load on this device
  "storage_failed", // the variant could not be written to the device's disk
  "superseded", // a newer desired revision arrived before this one was installed: its download was cancelled
] as const;
export const ZAgentErrorCode = z.enum(AGENT_ERROR_CODES);
export type TAgentErrorCode = z.infer<typeof ZAgentErrorCode>;

/** What a reader makes of a code it does not know. */
export const OTHER_AGENT_ERROR = "other";
/** A code as read: one this version knows, or `other`. */
export type TReportedErrorCode = TAgentErrorCode | typeof OTHER_AGENT_ERROR;

export function isAgentErrorCode(code: string): code is TAgentErrorCode {
  return (AGENT_ERROR_CODES as readonly string[]).includes(code);
}

// Any well-formed code is read (known or not); a malformed one is an invalid payload.
const ZErrorCodeText = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9_.-]*$/, "expected a snake_case error code");

// Not strict: a newer agent may add detail (e.g. `retryable`).
export const ZReportedError = z
  .object({
    /** Machine-readable snake_case code, one of AGENT_ERROR_CODES (a newer agent's code reads as `other`). */
    code: ZErrorCodeText,
    /** Human-readable, no stack trace. */
    message: textBlock(MAX_ERROR_MESSAGE_LENGTH),
  })
  .transform(({ code, message }): { code: TReportedErrorCode; message: string } =>
    isAgentErrorCode(code) || code === OTHER_AGENT_ERROR
      ? { code, message }
      : { code: OTHER_AGENT_ERROR, message: cutToLength(`${code}: ${message}`, MAX_ERROR_MESSAGE_LENGTH) },
  );
export type TReportedError = z.infer<typeof ZReportedError>;

/** `text` cut to `max` UTF-16 units without splitting a surrogate pair. */
function cutToLength(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
