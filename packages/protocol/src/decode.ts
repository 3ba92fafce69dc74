// Bytes off the wire → typed payloads. Never throws: every failure is a ProtocolError in the result.
import { isPayloadChannel, type TPayloadChannel } from "./channels.ts";
import type { TDeviceId } from "./device-id.ts";
import { fail, ok, quote, type TResult } from "./errors.ts";
import { MAX_PAYLOAD_BYTES } from "./limits.ts";
import { PAYLOAD_SCHEMAS, type TPayloadByChannel } from "./payload-schemas.ts";
import { parseTopic } from "./topics.ts";
import { decodeUtf8, hasLoneSurrogate, utf8ByteLength } from "./utf8.ts";
import { invalidPayloadError } from "./zod-issues.ts";

/** What MQTT clients hand over: a Buffer (a Uint8Array), another Uint8Array, or a string. */
export type TPayloadInput = Uint8Array | string;

/** A decoded message: switch on `channel` to narrow `payload`. */
export type TDecodedMessage = {
  [C in TPayloadChannel]: { readonly deviceId: TDeviceId; readonly channel: C; readonly payload: TPayloadByChannel[C] };
}[TPayloadChannel];

/**
 * Validates a payload for `channel`: size (MAX_PAYLOAD_BYTES), UTF-8, JSON, then the channel's schema.
 * Unknown keys are dropped (newer senders stay readable); `v` must be 1.
 */
export function decodePayload<C extends TPayloadChannel>(
  channel: C,
  payload: TPayloadInput,
): TResult<TPayloadByChannel[C]> {
  try {
    if (!isPayloadChannel(channel)) {
      return fail("bad_channel", `no payload schema for channel ${quote(String(channel))}`);
    }
    const text = payloadText(payload);
    if (!text.ok) return text;
    let json: unknown;
    try {
      json = JSON.parse(text.value);
    } catch {
      return fail("not_json", `${channel} payload is not valid JSON`);
    }
    const parsed = PAYLOAD_SCHEMAS[channel].safeParse(json);
    if (!parsed.success) return { ok: false, error: invalidPayloadError(channel, parsed.error.issues) };
    return ok(parsed.data as TPayloadByChannel[C]);
  } catch {
    // Defensive: nothing above should throw, but hostile input must never escape as an exception.
    return fail("invalid", `${String(channel)} payload could not be decoded`);
  }
}

/** Parses the topic, then decodes the payload with that channel's schema. Never throws. */
export function decodeMessage(topic: unknown, payload: TPayloadInput): TResult<TDecodedMessage> {
  const parsedTopic = parseTopic(topic);
  if (!parsedTopic.ok) return parsedTopic;
  const { deviceId, channel } = parsedTopic.value;
  if (channel === "cmd") return fail("bad_channel", "cmd/… topics are reserved and have no payload schema yet");
  const decoded = decodePayload(channel, payload);
  if (!decoded.ok) return decoded;
  return ok({ deviceId, channel, payload: decoded.value } as TDecodedMessage);
}

function payloadText(payload: TPayloadInput): TResult<string> {
  if (typeof payload === "string") {
    if (payload.length > MAX_PAYLOAD_BYTES || utf8ByteLength(payload) > MAX_PAYLOAD_BYTES) return tooLarge();
    if (hasLoneSurrogate(payload)) return fail("not_utf8", "payload string has unpaired surrogates (not UTF-8)");
    return nonEmpty(payload.startsWith("\uFEFF") ? payload.slice(1) : payload);
  }
  if (!(payload instanceof Uint8Array)) return fail("invalid", "payload must be bytes (Uint8Array/Buffer) or a string");
  if (payload.byteLength > MAX_PAYLOAD_BYTES) return tooLarge();
  const text = decodeUtf8(payload); // strips a leading BOM
  if (text === undefined) return fail("not_utf8", "payload is not valid UTF-8");
  return nonEmpty(text);
}

function nonEmpty(text: string): TResult<string> {
  if (text.length === 0)
    return fail("empty", "payload is empty (on a retained topic: the retained message was cleared)");
  return ok(text);
}

function tooLarge(): TResult<never> {
  return fail("too_large", `payload is larger than ${MAX_PAYLOAD_BYTES} bytes`);
}
