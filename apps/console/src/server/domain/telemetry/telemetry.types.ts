import { z } from "zod";
import { ZDeviceIdInput } from "../devices/device.types.ts";

/** Chart ranges and the bucket width that keeps each at ≤ 240 points. */
export const TELEMETRY_RANGES = {
  "15m": { ms: 15 * 60_000, bucketSeconds: 5 },
  "1h": { ms: 60 * 60_000, bucketSeconds: 15 },
  "6h": { ms: 6 * 60 * 60_000, bucketSeconds: 90 },
  "24h": { ms: 24 * 60 * 60_000, bucketSeconds: 360 },
  "7d": { ms: 7 * 24 * 60 * 60_000, bucketSeconds: 2_520 },
} as const;
export type TTelemetryRange = keyof typeof TELEMETRY_RANGES;

export const ZTelemetrySeriesInput = z.object({
  deviceId: ZDeviceIdInput,
  range: z.enum(Object.keys(TELEMETRY_RANGES) as [TTelemetryRange, ...TTelemetryRange[]]).default("1h"),
});

/** One chart point: a time bucket's averages (latency, CPU, RSS, battery) and summed inferences. */
export interface TTelemetryPoint {
  /** Bucket start, ms since the epoch. */
  t: number;
  latencyP50: number;
  latencyP95: number;
  inferences: number;
  cpuPct: number;
  rssMb: number;
  batteryPct: number | null;
  errors: number;
}
