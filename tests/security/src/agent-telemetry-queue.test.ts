// A device that was offline with a full telemetry queue reconnects; while the broker has not yet
// acknowledged the first batch it sends, new samples arrive and the queue trims its oldest. No sample
// that was never sent may be lost on the way: the broker must end up with every one of them.
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import {
  recorder,
  startTestAgent,
  startTestBroker,
  tempDir,
  type TRecorder,
  type TTestBroker,
  uniqueDeviceId,
  waitFor,
} from "@fleet/agent/testing";
import { eventsTopic, telemetryTopic, type TEventsPayload, type TTelemetryPayload } from "@fleet/protocol";
import { afterAll, describe, expect, it } from "vitest";

let broker: TTestBroker | undefined;
let observer: TRecorder | undefined;
const dirs: string[] = [];

afterAll(async () => {
  await observer?.close();
  await broker?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The batches waiting on disk, by sequence number. */
async function queued(dataDir: string): Promise<number[]> {
  const names = await readdir(path.join(dataDir, "telemetry-queue"));
  return names.filter((name) => /^\d+\.json$/.test(name)).map((name) => Number(name.slice(0, -5)));
}

describe("telemetry of a device back online, pushed to while its first batch is in flight", () => {
  it("delivers every sample that was never sent", async () => {
    broker = await startTestBroker();
    await broker.stop(); // the broker is down; it comes back on the same port
    const deviceId = uniqueDeviceId("sec-queue");
    const dataDir = await tempDir();
    dirs.push(dataDir);
    const agent = await startTestAgent({ brokerUrl: broker.url, deviceId, dataDir, queueMax: 3 });
    try {
      for (let i = 0; i < 3; i++) await agent.telemetryTick(); // offline: samples 1..3, the queue is full

      const firstBatch = broker.holdNextPublish(telemetryTopic(deviceId));
      await broker.start();
      observer = await recorder(broker.url, "fleet/v1/#");
      await firstBatch.held; // samples 1..3 are out, waiting for the broker's PUBACK
      // two more samples while they are in flight: each trims the oldest (1, then 2)
      void agent.telemetryTick();
      await waitFor(
        async () => (await queued(dataDir)).includes(4) && (await queued(dataDir)).length === 3,
        "sample 4",
      );
      void agent.telemetryTick();
      await waitFor(
        async () => (await queued(dataDir)).includes(5) && (await queued(dataDir)).length === 3,
        "sample 5",
      );
      firstBatch.release();

      const recorded = observer;
      const delivered = () =>
        recorded.on<TTelemetryPayload>(telemetryTopic(deviceId)).flatMap((batch) => batch.samples.map((s) => s.ts));
      const dropReports = () =>
        recorded
          .on<TEventsPayload>(eventsTopic(deviceId))
          .flatMap((payload) => payload.events)
          .filter((event) => event.data?.["droppedBatches"] !== undefined);
      await waitFor(() => delivered().length >= 5 || dropReports().length > 0, "the queue drained");
      await waitFor(async () => (await queued(dataDir)).length === 0, "the queue empty");
      expect(delivered()).toHaveLength(5);
      expect(delivered()).toEqual([...delivered()].sort((a, b) => a - b));
      expect(dropReports()).toEqual([]); // nothing was lost, so nothing is reported as dropped
    } finally {
      await agent.stop();
    }
  });
});
