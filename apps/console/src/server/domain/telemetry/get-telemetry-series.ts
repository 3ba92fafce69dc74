import { Prisma, type PrismaClient } from "@fleet/db";
import { TELEMETRY_RANGES, type TTelemetryPoint, type TTelemetryRange } from "./telemetry.types.ts";

interface TRow {
  bucket: Date;
  latency_p50: number;
  latency_p95: number;
  inferences: bigint | number;
  cpu_pct: number;
  rss_mb: number;
  battery_pct: number | null;
  errors: bigint | number;
}

/**
 * A device's telemetry over `range`, bucketed server-side (date_bin over the (deviceId, ts) index)
 * so a week of 1 Hz samples still arrives as ≤ 240 points.
 */
export async function getTelemetrySeries(options: {
  prisma: PrismaClient;
  deviceId: string;
  range: TTelemetryRange;
  now?: Date;
}): Promise<{ points: TTelemetryPoint[]; bucketSeconds: number; from: Date; to: Date }> {
  const { ms, bucketSeconds } = TELEMETRY_RANGES[options.range];
  const to = options.now ?? new Date();
  const from = new Date(to.getTime() - ms);
  const width = Prisma.raw(`interval '${bucketSeconds} seconds'`);
  const rows = await options.prisma.$queryRaw<TRow[]>`
    SELECT date_bin(${width}, ts, TIMESTAMPTZ '2000-01-01') AS bucket,
           avg("latencyP50")::float8 AS latency_p50,
           avg("latencyP95")::float8 AS latency_p95,
           sum(inferences)::int8 AS inferences,
           avg("cpuPct")::float8 AS cpu_pct,
           avg("rssMb")::float8 AS rss_mb,
           avg("batteryPct")::float8 AS battery_pct,
           sum(errors)::int8 AS errors
      FROM "TelemetrySample"
     WHERE "deviceId" = ${options.deviceId} AND ts >= ${from} AND ts <= ${to}
     GROUP BY 1
     ORDER BY 1`;
  return {
    bucketSeconds,
    from,
    to,
    points: rows.map((row) => ({
      t: row.bucket.getTime(),
      latencyP50: row.latency_p50,
      latencyP95: row.latency_p95,
      inferences: Number(row.inferences),
      cpuPct: row.cpu_pct,
      rssMb: row.rss_mb,
      batteryPct: row.battery_pct,
      errors: Number(row.errors),
    })),
  };
}
