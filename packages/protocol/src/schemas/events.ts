// fleet/v1/{id}/events — device → console, QoS 1, not retained. Inference events, anomalies, log lines.
import { z } from "zod";
import {
  MAX_EVENT_DATA_ARRAY_LENGTH,
  MAX_EVENT_DATA_KEYS,
  MAX_EVENT_DATA_STRING_LENGTH,
  MAX_EVENT_MESSAGE_LENGTH,
  MAX_EVENTS_PER_BATCH,
} from "../limits.ts";
import { textBlock, ZSchemaVersion, ZTimestampMs } from "./common.ts";

export const EVENT_KINDS = ["inference", "anomaly", "log"] as const;
export const ZEventKind = z.enum(EVENT_KINDS);

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export const ZLogLevel = z.enum(LOG_LEVELS);

/**
 * Keys of `data`: identifier-like, starting with a letter (so never `__proto__`, which zod's record drops
 * anyway rather than assign it as a prototype).
 */
export const ZEventDataKey = z
  .string()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, "expected a key of letters, digits and _.- starting with a letter");

const ZEventDataScalar = z.union([textBlock(MAX_EVENT_DATA_STRING_LENGTH), z.number(), z.boolean(), z.null()]);

/** A value of `data`: a scalar or a short flat array of scalars (e.g. top-k scores). No deeper nesting. */
export const ZEventDataValue = z.union([ZEventDataScalar, z.array(ZEventDataScalar).max(MAX_EVENT_DATA_ARRAY_LENGTH)]);

// Open by design: structured context of the event, flat and bounded.
export const ZEventData = z
  .record(ZEventDataKey, ZEventDataValue)
  .refine((data) => Object.keys(data).length <= MAX_EVENT_DATA_KEYS, `at most ${MAX_EVENT_DATA_KEYS} keys`);

// Not strict: a newer agent may add fields (e.g. a correlation id).
export const ZEvent = z.object({
  ts: ZTimestampMs,
  kind: ZEventKind,
  level: ZLogLevel,
  message: textBlock(MAX_EVENT_MESSAGE_LENGTH),
  data: ZEventData.optional(),
});

// Not strict: same reason as the events.
export const ZEventsPayload = z.object({
  v: ZSchemaVersion,
  ts: ZTimestampMs,
  events: z.array(ZEvent).min(1).max(MAX_EVENTS_PER_BATCH),
});

export type TEventKind = z.infer<typeof ZEventKind>;
export type TLogLevel = z.infer<typeof ZLogLevel>;
export type TEventDataValue = z.infer<typeof ZEventDataValue>;
export type TEventData = z.infer<typeof ZEventData>;
export type TEvent = z.infer<typeof ZEvent>;
export type TEventsPayload = z.infer<typeof ZEventsPayload>;
