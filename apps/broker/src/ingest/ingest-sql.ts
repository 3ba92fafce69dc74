import type { TelemetryRow } from "./ingest-rows.ts";

// One statement per table and batch, its size independent of the parameter list. Telemetry, the bulk
// of the traffic, goes as one array per column through unnest (the cheapest multi-row insert short
// of COPY: no JSON to build in the broker or to parse in the database); the other tables take the
// whole batch as one JSON parameter, parsed server-side by jsonb_to_recordset. Rows of devices
// deleted meanwhile are skipped (WHERE EXISTS) instead of failing the batch on the foreign key.
export const INSERT_TELEMETRY = `
INSERT INTO "TelemetrySample"
  ("deviceId", "ts", "inferences", "latencyP50", "latencyP95", "latencyP99", "cpuPct", "rssMb", "batteryPct", "errors", "variantId")
SELECT r."deviceId", to_timestamp(r.ts / 1000.0), r.inferences, r.p50, r.p95, r.p99, r."cpuPct", r."rssMb", r."batteryPct", r.errors, r."variantId"
FROM unnest($1::text[], $2::float8[], $3::int4[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[], $10::int4[], $11::text[])
  AS r("deviceId", ts, inferences, p50, p95, p99, "cpuPct", "rssMb", "batteryPct", errors, "variantId")
WHERE EXISTS (SELECT 1 FROM "Device" d WHERE d.id = r."deviceId")`;

/** The parameters of INSERT_TELEMETRY for these rows, in order: one array per column. */
export function telemetryColumns(rows: readonly TelemetryRow[]): unknown[][] {
  const n = rows.length;
  const cols = Array.from({ length: 11 }, () => new Array<unknown>(n));
  const [deviceId, ts, inferences, p50, p95, p99, cpuPct, rssMb, batteryPct, errors, variantId] = cols as [
    unknown[],
    unknown[],
    unknown[],
    unknown[],
    unknown[],
    unknown[],
    unknown[],
    unknown[],
    unknown[],
    unknown[],
    unknown[],
  ];
  for (let i = 0; i < n; i++) {
    const r = rows[i] as TelemetryRow;
    deviceId[i] = r.deviceId;
    ts[i] = r.ts;
    inferences[i] = r.inferences;
    p50[i] = r.p50;
    p95[i] = r.p95;
    p99[i] = r.p99;
    cpuPct[i] = r.cpuPct;
    rssMb[i] = r.rssMb;
    batteryPct[i] = r.batteryPct;
    errors[i] = r.errors;
    variantId[i] = r.variantId;
  }
  return cols;
}

export const INSERT_EVENTS = `
INSERT INTO "DeviceEvent" ("deviceId", "ts", "kind", "level", "message", "data")
SELECT r."deviceId", to_timestamp(r.ts / 1000.0), r.kind, r.level, r.message, r.data
FROM jsonb_to_recordset($1::jsonb) AS r("deviceId" text, ts float8, kind text, level text, message text, data jsonb)
WHERE EXISTS (SELECT 1 FROM "Device" d WHERE d.id = r."deviceId")`;

export const INSERT_REPORTS = `
INSERT INTO "DeviceReport" ("deviceId", "ts", "rev", "state", "variantId", "error")
SELECT r."deviceId", to_timestamp(r.ts / 1000.0), r.rev, r.state, r."variantId", r.error
FROM jsonb_to_recordset($1::jsonb) AS r("deviceId" text, ts float8, rev int4, state text, "variantId" text, error text)
WHERE EXISTS (SELECT 1 FROM "Device" d WHERE d.id = r."deviceId")`;

// lastSeenAt only moves forward; a field the update lacks keeps its value.
export const UPDATE_DEVICES = `
UPDATE "Device" AS d SET
  "status" = COALESCE(r.status::"DeviceStatus", d."status"),
  "lastSeenAt" = GREATEST(d."lastSeenAt", r."seenAt"),
  "hardware" = COALESCE(r.hardware, d."hardware"),
  "agentVersion" = COALESCE(r."agentVersion", d."agentVersion")
FROM jsonb_to_recordset($1::jsonb) AS r(id text, status text, "seenAt" timestamptz, hardware jsonb, "agentVersion" text)
WHERE d.id = r.id`;
