// One statement per table, each taking the whole batch as a single JSON parameter: a multi-row
// insert whose size does not grow the parameter list, parsed server-side by jsonb_to_recordset.
// Rows of devices deleted meanwhile are skipped (WHERE EXISTS) instead of failing the batch on the
// foreign key.
export const INSERT_TELEMETRY = `
INSERT INTO "TelemetrySample"
  ("deviceId", "ts", "inferences", "latencyP50", "latencyP95", "latencyP99", "cpuPct", "rssMb", "batteryPct", "errors", "variantId")
SELECT r."deviceId", to_timestamp(r.ts / 1000.0), r.inferences, r.p50, r.p95, r.p99, r."cpuPct", r."rssMb", r."batteryPct", r.errors, r."variantId"
FROM jsonb_to_recordset($1::jsonb) AS r(
  "deviceId" text, ts float8, inferences int4, p50 float8, p95 float8, p99 float8,
  "cpuPct" float8, "rssMb" float8, "batteryPct" float8, errors int4, "variantId" text)
WHERE EXISTS (SELECT 1 FROM "Device" d WHERE d.id = r."deviceId")`;

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
