// Valid example payloads for tests (`@fleet/protocol/testing`; the broker derives its own from them).
import type { TDesiredPayload } from "../schemas/desired.ts";
import type { TEventsPayload } from "../schemas/events.ts";
import type { TReportedPayload } from "../schemas/reported.ts";
import type { TStatusOfflinePayload, TStatusOnlinePayload } from "../schemas/status.ts";
import type { TTelemetryPayload, TTelemetrySample } from "../schemas/telemetry.ts";

export const TS = 1_700_000_000_000;
export const SHA = "a".repeat(64);
export const SIGNATURE = `${"A".repeat(43)}+/${"b".repeat(41)}==`;

export function onlineStatus(): TStatusOnlinePayload {
  return {
    v: 1,
    ts: TS,
    state: "online",
    agentVersion: "0.1.0",
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
    activeVariant: { id: "var-int8", precision: "int8", engine: "onnx" },
  };
}

export function offlineStatus(): TStatusOfflinePayload {
  return { v: 1, ts: TS, state: "offline" };
}

export function sample(): TTelemetrySample {
  return {
    ts: TS,
    inferences: 120,
    latencyMs: { p50: 4.2, p95: 7.9, p99: 12.5 },
    cpuPct: 35.5,
    rssMb: 88,
    batteryPct: 77,
    errors: 0,
    variantId: "var-int8",
  };
}

export function telemetry(): TTelemetryPayload {
  return { v: 1, ts: TS, samples: [sample()] };
}

export function desired(): TDesiredPayload {
  return {
    v: 1,
    ts: TS,
    rev: 7,
    variant: {
      id: "var-int8",
      modelId: "model-mnist",
      url: "https://console.local:3000/artifacts/var-int8/manifest.json?sig=abc&exp=1700000060",
      sha256: SHA,
      bytes: 1234,
      signature: SIGNATURE,
      precision: "int8",
      engine: "onnx",
      files: [{ path: "model.onnx", sha256: SHA, bytes: 4_000_000 }],
    },
    rolloutId: "rollout-1",
  };
}

export function reported(): TReportedPayload {
  return {
    v: 1,
    ts: TS,
    rev: 7,
    state: "downloading",
    activeVariantId: "var-fp32",
    targetVariantId: "var-int8",
    progress: 0.5,
  };
}

export function events(): TEventsPayload {
  return {
    v: 1,
    ts: TS,
    events: [
      { ts: TS, kind: "inference", level: "info", message: "class 7", data: { label: 7, scores: [0.9, 0.1] } },
      { ts: TS, kind: "log", level: "warn", message: "slow inference\n  at layer 3" },
    ],
  };
}
