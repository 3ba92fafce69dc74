// The one place that reads aedes' errors. aedes (1.2.0) reports a client's failures as plain Errors:
// a refused CONNECT carries `errorCode` (the CONNACK return code), but limit breaches carry nothing
// but their message, so those are recognised by message in the table below, each line naming the
// aedes source that raises it. Update the table when aedes changes (its tests would fail: limits.test.ts).
import { LimitError, type TLimit } from "./limits/limit-error.ts";

const AEDES_LIMIT_MESSAGES: ReadonlyMap<string, TLimit> = new Map([
  // lib/handlers/publish.js (PUBLISH), lib/utils.js validateTopic (SUBSCRIBE), aedes.js (broker publish)
  ["topic has too many levels", "topic_levels"],
  // lib/client.js, the connectTimeout timer
  ["connect did not arrive in time", "connect_timeout"],
  // lib/handlers/connect.js, the keepalive timer (1.5 × keepalive without a packet)
  ["keep alive timeout", "keepalive_timeout"],
  // lib/client.js, drainTimeout: the subscriber's socket stayed full
  ["drain timeout", "slow_consumer"],
  // lib/client.js, queueLimit: too many packets before CONNECT was handled
  ["Client queue limit reached", "pre_connect_queue"],
]);

export type TClientErrorClass =
  /** A limit broken: ours (a LimitError we raised) or aedes'. */
  | { readonly kind: "limit"; readonly breach: LimitError }
  /** A CONNECT refused with this CONNACK return code (counted as an auth failure). */
  | { readonly kind: "connect_refused"; readonly returnCode: number }
  /** A protocol or transport error. */
  | { readonly kind: "other" };

/** What a `clientError` / `connectionError` of aedes means. */
export function classifyClientError(error: Error): TClientErrorClass {
  if (error instanceof LimitError) return { kind: "limit", breach: error };
  const returnCode = (error as { errorCode?: unknown }).errorCode;
  if (typeof returnCode === "number") return { kind: "connect_refused", returnCode };
  const limit = AEDES_LIMIT_MESSAGES.get(error.message);
  return limit === undefined ? { kind: "other" } : { kind: "limit", breach: new LimitError(limit, error.message) };
}
