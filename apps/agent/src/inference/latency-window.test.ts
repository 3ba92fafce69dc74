// Inference measurements per telemetry interval: nearest-rank percentiles, reset on take.
import { describe, expect, it } from "vitest";
import { LatencyWindow } from "./latency-window.ts";

describe("latency window", () => {
  it("reports nearest-rank percentiles and resets per interval", () => {
    const window = new LatencyWindow();
    for (let i = 1; i <= 100; i++) window.record(i);
    window.error();
    expect(window.take()).toEqual({ inferences: 100, errors: 1, latencyMs: { p50: 50, p95: 95, p99: 99 } });
    expect(window.take()).toEqual({ inferences: 0, errors: 0, latencyMs: { p50: 0, p95: 0, p99: 0 } });
  });
});
