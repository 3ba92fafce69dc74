// The disk telemetry queue: order across reopens, its bound and dropped count, damaged batches.
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "@fleet/log";
import { tempDir } from "../testing/agent-harness.ts";
import { DiskTelemetryQueue } from "./telemetry-queue.ts";

const sample = (ts: number) => ({
  ts,
  inferences: 1,
  latencyMs: { p50: 1, p95: 2, p99: 3 },
  cpuPct: 1,
  rssMb: 50,
  errors: 0,
  variantId: null,
});

describe("telemetry queue on disk", () => {
  it("keeps order across a reopen and drops the oldest beyond its bound, counting them", async () => {
    const dir = await tempDir();
    let queue = await DiskTelemetryQueue.open(dir, 3, silentLogger);
    for (const ts of [1, 2]) await queue.push(sample(1_700_000_000_000 + ts));
    queue = await DiskTelemetryQueue.open(dir, 3, silentLogger);
    for (const ts of [3, 4, 5]) await queue.push(sample(1_700_000_000_000 + ts));
    expect((await queue.peek(10)).map((s) => s.ts - 1_700_000_000_000)).toEqual([3, 4, 5]);
    queue = await DiskTelemetryQueue.open(dir, 3, silentLogger);
    expect(queue.dropped).toBe(2);
    await queue.remove(2);
    await queue.acknowledgeDropped(2);
    expect((await queue.peek(10)).map((s) => s.ts - 1_700_000_000_000)).toEqual([5]);
    expect((await DiskTelemetryQueue.open(dir, 3, silentLogger)).dropped).toBe(0);
  });

  it("skips a damaged batch instead of blocking the ones behind it", async () => {
    const dir = await tempDir();
    const queue = await DiskTelemetryQueue.open(dir, 10, silentLogger);
    for (const ts of [1, 2, 3]) await queue.push(sample(1_700_000_000_000 + ts));
    const [first] = (await readdir(dir)).filter((f) => /^\d+\.json$/.test(f)).sort();
    await writeFile(path.join(dir, first!), "{torn");
    expect((await queue.peek(10)).map((s) => s.ts - 1_700_000_000_000)).toEqual([2, 3]);
  });
});
