// Valid Fleet payloads for the broker's tests and benchmark: @fleet/protocol's examples, with what the
// broker's tests count on (no active variant, n samples, a failed report, one-line log messages).
import type { TEventsPayload, TReportedPayload, TStatusOnlinePayload, TTelemetryPayload } from "@fleet/protocol";
import * as examples from "@fleet/protocol/testing";

export const FIXTURE_TS = examples.TS;

export function onlineStatus(agentVersion = "0.1.0"): TStatusOnlinePayload {
  return { ...examples.onlineStatus(), agentVersion, activeVariant: null };
}

export function telemetry(samples = 1, ts = FIXTURE_TS): TTelemetryPayload {
  return {
    v: 1,
    ts,
    samples: Array.from({ length: samples }, (_, i) => ({ ...examples.sample(), ts: ts + i, batteryPct: null })),
  };
}

export function reported(): TReportedPayload {
  const { progress: _progress, ...rest } = examples.reported();
  return { ...rest, state: "failed", error: { code: "hash_mismatch", message: "sha256 differs" } };
}

export function events(): TEventsPayload {
  const payload = examples.events();
  return {
    ...payload,
    events: payload.events.map((e) => (e.kind === "log" ? { ...e, message: "slow inference" } : e)),
  };
}
