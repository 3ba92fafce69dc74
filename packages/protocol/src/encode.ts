// Typed payloads → JSON for the wire. Strict writer: refuses unknown keys and values the reader would
// read as something else, so typos fail in our code.
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
    const lost = findLoss(value, parsed.data, []);
    if (lost !== undefined) {
      const path = formatPath(lost.path);
      return fail("invalid", `invalid ${channel} payload at ${path}: ${lost.message}`, {
        path,
        issues: [{ path, message: lost.message }],
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
 * What the reader would not get as written: a key the schema strips (unknown: a typo?) or a value
 * it reads as another (an agent error code it does not know reads as `other`). Walks only where the
 * output has objects, so the depth is bounded by the schema.
 */
function findLoss(
  input: unknown,
  output: unknown,
  path: PropertyKey[],
): { path: PropertyKey[]; message: string } | undefined {
  if (Array.isArray(output) && Array.isArray(input)) {
    for (let i = 0; i < output.length; i++) {
      const found = findLoss(input[i], output[i], [...path, i]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isPlainObject(output) || !isPlainObject(input)) {
    if (typeof output === "object" || Object.is(input, output)) return undefined;
    return { path, message: `not a value this version knows (it would be read as ${JSON.stringify(output)})` };
  }
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(output, key)) {
      if (input[key] !== undefined)
        return { path: [...path, key], message: "unknown key (not in the schema; a typo?)" };
      continue;
    }
    const found = findLoss(input[key], output[key], [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
