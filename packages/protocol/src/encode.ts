// Typed payloads → JSON for the wire. Strict writer: refuses unknown keys, so typos fail in our code.
import { isPayloadChannel, type TPayloadChannel } from "./channels.ts";
import { fail, ok, quote, type TResult } from "./errors.ts";
import { MAX_PAYLOAD_BYTES } from "./limits.ts";
import { PAYLOAD_SCHEMAS, type TPayloadByChannel } from "./payload-schemas.ts";
import { utf8ByteLength } from "./utf8.ts";
import { formatPath, invalidPayloadError } from "./zod-issues.ts";

/**
 * Validates `value` against the channel's schema and returns the JSON text to publish. Fails with
 * `invalid` (wrong or unknown field, with its path) or `too_large` (split the batch). Never throws.
 */
export function encodePayload<C extends TPayloadChannel>(channel: C, value: TPayloadByChannel[C]): TResult<string> {
  try {
    if (!isPayloadChannel(channel)) {
      return fail("bad_channel", `no payload schema for channel ${quote(String(channel))}`);
    }
    const parsed = PAYLOAD_SCHEMAS[channel].safeParse(value);
    if (!parsed.success) return { ok: false, error: invalidPayloadError(channel, parsed.error.issues) };
    const unknown = findUnknownKey(value, parsed.data, []);
    if (unknown !== undefined) {
      const path = formatPath(unknown);
      const message = "unknown key (not in the schema; a typo?)";
      return fail("invalid", `invalid ${channel} payload at ${path}: ${message}`, {
        path,
        issues: [{ path, message }],
      });
    }
    const json = JSON.stringify(parsed.data);
    if (utf8ByteLength(json) > MAX_PAYLOAD_BYTES) {
      return fail("too_large", `${channel} payload is larger than ${MAX_PAYLOAD_BYTES} bytes; send smaller batches`);
    }
    return ok(json);
  } catch {
    return fail("invalid", `${String(channel)} payload could not be encoded`);
  }
}

/**
 * The schemas strip unknown keys; a key present in the input but not in the parsed output was unknown.
 * Walks only where the output has objects, so the depth is bounded by the schema.
 */
function findUnknownKey(input: unknown, output: unknown, path: PropertyKey[]): PropertyKey[] | undefined {
  if (Array.isArray(output) && Array.isArray(input)) {
    for (let i = 0; i < output.length; i++) {
      const found = findUnknownKey(input[i], output[i], [...path, i]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isPlainObject(output) || !isPlainObject(input)) return undefined;
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(output, key)) {
      if (input[key] !== undefined) return [...path, key];
      continue;
    }
    const found = findUnknownKey(input[key], output[key], [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
