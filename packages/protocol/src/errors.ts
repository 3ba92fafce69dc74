// Typed errors and results: nothing in this package throws on bad input, it returns one of these.

export const PROTOCOL_ERROR_CODES = [
  "too_large", // payload over MAX_PAYLOAD_BYTES
  "empty", // zero-length payload (on a retained topic this clears the retained message)
  "not_utf8", // payload bytes are not valid UTF-8
  "not_json", // payload is not JSON
  "invalid", // JSON that does not match the channel's schema (see `path`)
  "bad_topic", // topic name is malformed, outside fleet/v1, or has an unknown channel
  "bad_device_id", // device id does not match ^[a-z0-9][a-z0-9-]{0,63}$
  "bad_channel", // a channel name that has no payload schema
] as const;

export type TProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

export interface TProtocolIssue {
  /** Dotted path of the offending field, e.g. `samples.0.latencyMs.p95`; "" for the whole payload. */
  readonly path: string;
  readonly message: string;
}

interface TProtocolErrorOptions {
  readonly path?: string;
  readonly issues?: readonly TProtocolIssue[];
}

export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
  readonly code: TProtocolErrorCode;
  /** For `invalid`: dotted path of the first wrong field ("" when the payload itself is wrong). */
  readonly path: string | undefined;
  /** For `invalid`: every issue found (capped), first one first. */
  readonly issues: readonly TProtocolIssue[];

  constructor(code: TProtocolErrorCode, message: string, options: TProtocolErrorOptions = {}) {
    super(message);
    this.code = code;
    this.path = options.path;
    this.issues = options.issues ?? [];
  }

  /** Safe to log or send: code, message and path, never a stack. */
  toJSON(): { code: TProtocolErrorCode; message: string; path?: string } {
    return this.path === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, path: this.path };
  }
}

export type TResult<T, E = ProtocolError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function fail(
  code: TProtocolErrorCode,
  message: string,
  options?: TProtocolErrorOptions,
): { readonly ok: false; readonly error: ProtocolError } {
  return { ok: false, error: new ProtocolError(code, message, options) };
}

/** Quotes untrusted text for an error message: JSON-escaped (no control characters) and truncated. */
export function quote(text: string, max = 64): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}
