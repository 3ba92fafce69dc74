// Valid Fleet payloads for the broker's tests and benchmark (shapes of @fleet/protocol's schemas).
import type { TEventsPayload, TReportedPayload, TStatusOnlinePayload, TTelemetryPayload } from "@fleet/protocol";

export const FIXTURE_TS = 1_700_000_000_000;

export function onlineStatus(agentVersion = "0.1.0"): TStatusOnlinePayload {
  return {
    v: 1,
    ts: FIXTURE_TS,
    state: "online",
    agentVersion,
    hardware: {
      arch: "arm64",
      cpuModel: "Cortex-A72",
      cores: 4,
      ramTotalMb: 3906.5,
      ramFreeMb: 2048,
      wasmSimd: true,
      engines: ["tfjs", "onnx"],
      backends: ["wasm", "cpu"],
      nodeVersion: "v20.11.1",
      class: "gateway",
    },
    activeVariant: null,
  };
}

export function telemetry(samples = 1, ts = FIXTURE_TS): TTelemetryPayload {
  return {
    v: 1,
    ts,
    samples: Array.from({ length: samples }, (_, i) => ({
      ts: ts + i,
      inferences: 120,
      latencyMs: { p50: 4.2, p95: 7.9, p99: 12.5 },
      cpuPct: 35.5,
      rssMb: 88,
      batteryPct: null,
      errors: 0,
      variantId: "var-int8",
    })),
  };
}

export function reported(): TReportedPayload {
  return { v: 1, ts: FIXTURE_TS, rev: 7, state: "failed", activeVariantId: "var-fp32", targetVariantId: "var-int8", error: { code: "hash_mismatch", message: "sha256 differs" } };
}

export function events(): TEventsPayload {
  return {
    v: 1,
    ts: FIXTURE_TS,
    events: [
      { ts: FIXTURE_TS, kind: "inference", level: "info", message: "class 7", data: { label: 7, scores: [0.9, 0.1] } },
      { ts: FIXTURE_TS, kind: "log", level: "warn", message: "slow inference" },
    ],
  };
}
