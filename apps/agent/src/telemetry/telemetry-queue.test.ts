// The telemetry queues: order across reopens, their bound and dropped count, damaged batches, and a
// push that trims the queue while a flush is publishing (no unsent batch lost, the count honest).
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "@fleet/log";
import { tempDir } from "../testing/agent-harness.ts";
import { DiskTelemetryQueue, MemoryTelemetryQueue, type TelemetryQueue } from "./telemetry-queue.ts";

const T0 = 1_700_000_000_000;
const sample = (ts: number) => ({
  ts: T0 + ts,
  inferences: 1,
  latencyMs: { p50: 1, p95: 2, p99: 3 },
  cpuPct: 1,
  rssMb: 50,
  errors: 0,
  variantId: null,
});
const tsOf = async (queue: TelemetryQueue) => (await queue.peek(100)).map((q) => q.sample.ts - T0);

describe("telemetry queue on disk", () => {
  it("keeps order across a reopen and drops the oldest beyond its bound, counting them", async () => {
    const dir = await tempDir();
    let queue = await DiskTelemetryQueue.open(dir, 3, silentLogger);
    for (const ts of [1, 2]) await queue.push(sample(ts));
    queue = await DiskTelemetryQueue.open(dir, 3, silentLogger);
    for (const ts of [3, 4, 5]) await queue.push(sample(ts));
    expect(await tsOf(queue)).toEqual([3, 4, 5]);
    queue = await DiskTelemetryQueue.open(dir, 3, silentLogger);
    expect(queue.dropped).toBe(2);
    const sent = await queue.peek(2);
    await queue.removeSent(sent.map((q) => q.id));
    await queue.acknowledgeDropped(2);
    expect(await tsOf(queue)).toEqual([5]);
    expect((await DiskTelemetryQueue.open(dir, 3, silentLogger)).dropped).toBe(0);
  });

  it("skips a damaged batch instead of blocking the ones behind it", async () => {
    const dir = await tempDir();
    const queue = await DiskTelemetryQueue.open(dir, 10, silentLogger);
    for (const ts of [1, 2, 3]) await queue.push(sample(ts));
    const [first] = (await readdir(dir)).filter((f) => /^\d+\.json$/.test(f)).sort();
    await writeFile(path.join(dir, first!), "{torn");
    expect(await tsOf(queue)).toEqual([2, 3]);
  });
});

describe.each([
  ["on disk", async (max: number) => DiskTelemetryQueue.open(await tempDir(), max, silentLogger)],
  ["in memory", async (max: number) => new MemoryTelemetryQueue(max)],
] as const)("telemetry queue %s, pushed to while a flush publishes", (_kind, open) => {
  it("removes only the batches that were sent: the unsent ones behind them stay", async () => {
    const queue = await open(3);
    for (const ts of [1, 2, 3]) await queue.push(sample(ts));
    const publishing = await queue.peek(2); // 1 and 2 go out
    await queue.push(sample(4)); // full: 1 (being published) is trimmed
    await queue.removeSent(publishing.map((q) => q.id)); // the broker acknowledged 1 and 2
    // (before the fix: `remove(2)` took the first two left, 3 (never sent) and 4)
    expect(await tsOf(queue)).toEqual([3, 4]);
    // 1 was trimmed but then delivered: nothing was lost, nothing is reported as dropped
    expect(queue.dropped).toBe(0);
  });

  it("drops the oldest unsent batches with a count when the bound is hit during a flush", async () => {
    const queue = await open(3);
    for (const ts of [1, 2, 3]) await queue.push(sample(ts));
    const publishing = await queue.peek(1); // 1 goes out
    for (const ts of [4, 5, 6, 7]) await queue.push(sample(ts)); // trims 1, 2, 3, 4
    await queue.removeSent(publishing.map((q) => q.id));
    expect(await tsOf(queue)).toEqual([5, 6, 7]);
    expect(queue.dropped).toBe(3); // 2, 3 and 4 were never sent; 1 was
    const batch = await queue.peek(100);
    await queue.removeSent(batch.map((q) => q.id));
    expect(queue.size).toBe(0);
    expect(queue.dropped).toBe(3);
  });

  it("a failed publish keeps every batch; the next flush sends them in order", async () => {
    const queue = await open(3);
    for (const ts of [1, 2]) await queue.push(sample(ts));
    await queue.peek(2); // publish fails: nothing is removed
    await queue.push(sample(3));
    const retry = await queue.peek(100);
    expect(retry.map((q) => q.sample.ts - T0)).toEqual([1, 2, 3]);
    await queue.removeSent(retry.map((q) => q.id));
    expect(queue.size).toBe(0);
  });
});
