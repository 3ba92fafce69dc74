// Decoded Fleet messages → the rows ingest writes. Pure: no database, no clock (seenAt is passed in).
import type {
  TDecodedMessage,
  TEventsPayload,
  TReportedPayload,
  TStatusPayload,
  TTelemetryPayload,
} from "@fleet/protocol";

const INT4_MAX = 2_147_483_647;

export interface TelemetryRow {
  readonly deviceId: string;
  /** Epoch ms. */
  readonly ts: number;
  readonly inferences: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly cpuPct: number;
  readonly rssMb: number;
  readonly batteryPct: number | null;
  readonly errors: number;
  readonly variantId: string | null;
}

export interface EventRow {
  readonly deviceId: string;
  readonly ts: number;
  readonly kind: string;
  readonly level: string;
  readonly message: string;
  readonly data: unknown;
}

export interface ReportRow {
  readonly deviceId: string;
  readonly ts: number;
  readonly rev: number;
  readonly state: string;
  readonly variantId: string | null;
  readonly error: string | null;
}

/** What the Device row should learn; absent fields are left as they are. */
export interface DeviceUpdate {
  readonly status?: "ONLINE" | "OFFLINE";
  /** ISO time the broker last heard from the device. */
  readonly seenAt: string;
  readonly hardware?: unknown;
  readonly agentVersion?: string;
}

export type TIngestBatch =
  | { readonly table: "telemetry"; readonly rows: TelemetryRow[] }
  | { readonly table: "events"; readonly rows: EventRow[] }
  | { readonly table: "reports"; readonly rows: ReportRow[] };

export type TMapped = { ok: true; batch: TIngestBatch | null; device: DeviceUpdate } | { ok: false; reason: string };

/** Rows for one valid message; `ok: false` when a value cannot be stored (e.g. beyond INTEGER). */
export function rowsOf(message: TDecodedMessage, seenAt: string): TMapped {
  const { deviceId } = message;
  switch (message.channel) {
    case "telemetry":
      return telemetry(deviceId, message.payload, seenAt);
    case "events":
      return { ok: true, batch: { table: "events", rows: events(deviceId, message.payload) }, device: { seenAt } };
    case "reported":
      return reported(deviceId, message.payload, seenAt);
    case "status":
      return { ok: true, batch: null, device: status(message.payload, seenAt) };
    case "desired":
      return { ok: true, batch: null, device: { seenAt } }; // not a device's message; never reaches ingest
  }
}

function telemetry(deviceId: string, payload: TTelemetryPayload, seenAt: string): TMapped {
  const rows: TelemetryRow[] = [];
  for (const sample of payload.samples) {
    if (sample.inferences > INT4_MAX || sample.errors > INT4_MAX) return { ok: false, reason: "count beyond 2^31-1" };
    rows.push({
      deviceId,
      ts: sample.ts,
      inferences: sample.inferences,
      p50: sample.latencyMs.p50,
      p95: sample.latencyMs.p95,
      p99: sample.latencyMs.p99,
      cpuPct: sample.cpuPct,
      rssMb: sample.rssMb,
      batteryPct: sample.batteryPct ?? null,
      errors: sample.errors,
      variantId: sample.variantId,
    });
  }
  return { ok: true, batch: { table: "telemetry", rows }, device: { seenAt } };
}

function events(deviceId: string, payload: TEventsPayload): EventRow[] {
  return payload.events.map((event) => ({
    deviceId,
    ts: event.ts,
    kind: event.kind,
    level: event.level,
    message: event.message,
    data: event.data ?? null,
  }));
}

function reported(deviceId: string, payload: TReportedPayload, seenAt: string): TMapped {
  if (payload.rev > INT4_MAX) return { ok: false, reason: "rev beyond 2^31-1" };
  const row: ReportRow = {
    deviceId,
    ts: payload.ts,
    rev: payload.rev,
    state: payload.state,
    // The variant the report is about: the one being installed, else the one running.
    variantId: payload.targetVariantId ?? payload.activeVariantId,
    error: payload.error === undefined ? null : `${payload.error.code}: ${payload.error.message}`,
  };
  return { ok: true, batch: { table: "reports", rows: [row] }, device: { seenAt } };
}

function status(payload: TStatusPayload, seenAt: string): DeviceUpdate {
  if (payload.state === "offline") return { status: "OFFLINE", seenAt };
  return { status: "ONLINE", seenAt, hardware: payload.hardware, agentVersion: payload.agentVersion };
}
