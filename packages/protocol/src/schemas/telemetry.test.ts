import { describe, expect, it } from "vitest";
import { MAX_TELEMETRY_SAMPLES } from "../limits.ts";
import { sample, telemetry } from "../testing/fixtures.ts";
import { issuePaths, mutate } from "../testing/issues.ts";
import { ZTelemetryPayload, type TTelemetryPayload } from "./telemetry.ts";

describe("ZTelemetryPayload", () => {
  it("accepts a batch, with or without battery", () => {
    expect(issuePaths(ZTelemetryPayload, telemetry())).toEqual([]);
    const gateway = telemetry();
    const { batteryPct: _battery, ...noBattery } = sample();
    gateway.samples = [noBattery, { ...sample(), batteryPct: null, variantId: null }];
    expect(issuePaths(ZTelemetryPayload, gateway)).toEqual([]);
    const idle = { ...sample(), inferences: 0, latencyMs: { p50: 0, p95: 0, p99: 0 }, cpuPct: 0 };
    expect(issuePaths(ZTelemetryPayload, { ...telemetry(), samples: [idle] })).toEqual([]);
  });

  it("bounds the batch to 1..500 samples", () => {
    expect(issuePaths(ZTelemetryPayload, { ...telemetry(), samples: [] })).toEqual(["samples"]);
    const full = { ...telemetry(), samples: Array.from({ length: MAX_TELEMETRY_SAMPLES }, sample) };
    expect(issuePaths(ZTelemetryPayload, full)).toEqual([]);
    expect(issuePaths(ZTelemetryPayload, { ...full, samples: [...full.samples, sample()] })).toEqual(["samples"]);
  });

  it.each<[string, (t: TTelemetryPayload) => void]>([
    ["samples.0.latencyMs.p95", (t) => Object.assign(t.samples[0]!.latencyMs, { p95: 1 })], // p95 < p50
    ["samples.0.latencyMs.p99", (t) => Object.assign(t.samples[0]!.latencyMs, { p99: 5 })], // p99 < p95
    ["samples.0.latencyMs.p50", (t) => Object.assign(t.samples[0]!.latencyMs, { p50: -1 })],
    ["samples.0.latencyMs", (t) => Object.assign(t.samples[0]!, { latencyMs: [1, 2, 3] })],
    ["samples.0.cpuPct", (t) => Object.assign(t.samples[0]!, { cpuPct: 100.1 })],
    ["samples.0.batteryPct", (t) => Object.assign(t.samples[0]!, { batteryPct: -5 })],
    ["samples.0.inferences", (t) => Object.assign(t.samples[0]!, { inferences: 1.5 })],
    ["samples.0.inferences", (t) => Object.assign(t.samples[0]!, { inferences: 2 ** 53 })],
    ["samples.0.errors", (t) => Object.assign(t.samples[0]!, { errors: "0" })],
    ["samples.0.rssMb", (t) => Object.assign(t.samples[0]!, { rssMb: "NaN" })],
    ["samples.0.variantId", (t) => Object.assign(t.samples[0]!, { variantId: "../etc" })],
    ["samples.0.ts", (t) => Object.assign(t.samples[0]!, { ts: 1_700_000_000 })],
    ["samples.0", (t) => Object.assign(t, { samples: [null] })],
    ["samples", (t) => Object.assign(t, { samples: { 0: sample() } })],
  ])("names the wrong field %s", (path, change) => {
    expect(issuePaths(ZTelemetryPayload, mutate(telemetry(), change))).toEqual([path]);
  });
});
