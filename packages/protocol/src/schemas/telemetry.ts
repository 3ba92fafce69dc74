// fleet/v1/{id}/telemetry — device → broker ingest, QoS 1, not retained. A batch of periodic samples.
import { z } from "zod";
import { MAX_TELEMETRY_SAMPLES } from "../limits.ts";
import { nonNegative, ZCount, ZEntityId, ZPercent, ZSchemaVersion, ZTimestampMs } from "./common.ts";

/** One hour: a single inference slower than this is a measurement bug. */
export const MAX_LATENCY_MS = 3_600_000;
/** 10 TB in MB. */
const MAX_RSS_MB = 1e7;

// Not strict: a newer agent may add percentiles (p999); they are dropped, the sample is kept.
export const ZLatencyMs = z
  .object({
    p50: nonNegative(MAX_LATENCY_MS),
    p95: nonNegative(MAX_LATENCY_MS),
    p99: nonNegative(MAX_LATENCY_MS),
  })
  .refine((latency) => latency.p50 <= latency.p95, { path: ["p95"], message: "p95 must be >= p50" })
  .refine((latency) => latency.p95 <= latency.p99, { path: ["p99"], message: "p99 must be >= p95" });

// Not strict: ingest must not drop a whole batch because a newer agent added a metric.
export const ZTelemetrySample = z.object({
  /** End of the sampling interval. */
  ts: ZTimestampMs,
  /** Inferences run during the interval. */
  inferences: ZCount,
  /** Latency percentiles over the interval's inferences; all 0 when `inferences` is 0. */
  latencyMs: ZLatencyMs,
  /** CPU used by the agent process as a share of the whole machine (all cores): 0..100. */
  cpuPct: ZPercent,
  /** Resident set size of the agent process. */
  rssMb: nonNegative(MAX_RSS_MB),
  /** Battery charge 0..100; null or absent on mains-powered devices (gateways). */
  batteryPct: ZPercent.nullable().optional(),
  /** Inference or runtime errors during the interval. */
  errors: ZCount,
  /** The variant that served the interval, null when none was active. */
  variantId: ZEntityId.nullable(),
});

// Not strict: same reason as the samples.
export const ZTelemetryPayload = z.object({
  v: ZSchemaVersion,
  /** When the batch was sent. */
  ts: ZTimestampMs,
  samples: z.array(ZTelemetrySample).min(1).max(MAX_TELEMETRY_SAMPLES),
});

export type TLatencyMs = z.infer<typeof ZLatencyMs>;
export type TTelemetrySample = z.infer<typeof ZTelemetrySample>;
export type TTelemetryPayload = z.infer<typeof ZTelemetryPayload>;
