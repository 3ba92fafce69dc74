// The reporter's flush against a connection whose PUBACK the test releases: ticks during the
// publish push and trim the queue, and every sample ends up delivered or counted as dropped.
import type { TTelemetryPayload } from "@fleet/protocol";
import { silentLogger } from "@fleet/log";
import { describe, expect, it } from "vitest";
import { ActiveModelSlot } from "../inference/active-model-slot.ts";
import { tempDir } from "../testing/agent-harness.ts";
import { ProcessStats } from "./process-stats.ts";
import { DiskTelemetryQueue } from "./telemetry-queue.ts";
import { TelemetryReporter } from "./telemetry-reporter.ts";

/** A connection whose publishes wait until the test acknowledges them (one PUBACK at a time). */
function heldConnection() {
  const telemetry: number[][] = [];
  const droppedReports: number[] = [];
  const waiting: (() => void)[] = [];
  let published: () => void = () => {};
  return {
    telemetry,
    droppedReports,
    connected: true,
    /** resolves once a publish is waiting for its acknowledgement */
    nextPublish: () => new Promise<void>((resolve) => (published = resolve)),
    acknowledge: () => waiting.shift()?.(),
    publish(channel: string, payload: unknown): Promise<void> {
      if (channel === "telemetry") telemetry.push((payload as TTelemetryPayload).samples.map((s) => s.ts));
      else
        droppedReports.push(
          (payload as { events: { data: { droppedBatches: number } }[] }).events[0]!.data.droppedBatches,
        );
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        published();
      });
    },
  };
}

describe("telemetry reporter", () => {
  it("a tick that trims the full queue during a flush deletes no unsent sample; the dropped are counted", async () => {
    const connection = heldConnection();
    connection.connected = false;
    const queue = await DiskTelemetryQueue.open(await tempDir(), 3, silentLogger);
    const reporter = new TelemetryReporter(
      connection,
      queue,
      { slot: new ActiveModelSlot(), stats: new ProcessStats() },
      3600,
      silentLogger,
    );
    let now = 0;
    const tick = async () => {
      await queue.push(reporter.sample(1_700_000_000_000 + ++now));
      void reporter.flush();
    };
    for (let i = 0; i < 3; i++) await tick(); // offline: samples 1..3 queued, the queue is full

    connection.connected = true;
    let publishing = connection.nextPublish();
    const flushed = reporter.flush(); // publishes 1..3, waiting for the broker
    await publishing;
    await tick(); // sample 4: the queue trims 1, which is being published
    await tick(); // sample 5: trims 2
    publishing = connection.nextPublish();
    connection.acknowledge(); // 1..3 delivered; the flush goes on with what is left
    await publishing;
    connection.acknowledge();
    await flushed;

    const delivered = connection.telemetry.flat().map((ts) => ts - 1_700_000_000_000);
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
    expect(queue.size).toBe(0);
    expect(connection.droppedReports).toEqual([]); // nothing was lost
  });
});
