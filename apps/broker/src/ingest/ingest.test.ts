// Ingest end to end: devices publish over real sockets, rows appear in the real database (embedded
// PGlite always, PostgreSQL when present); bad payloads are counted and never block good ones.
import { eventsTopic, lastWill, reportedTopic, statusTopic, telemetryTopic, type TDeviceId } from "@fleet/protocol";
import { checkService, createTestDatabase, type TTestDatabase } from "@fleet/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { hashSecret } from "@fleet/db";
import { events, onlineStatus, reported, telemetry } from "../fleet-fixtures.ts";
import type { RunningBroker } from "../server.ts";
import { connectClient, mqttUrl, scrapeMetric, startTestBroker } from "../testing/broker-harness.ts";

const FAST = { N: 1024, r: 8, p: 1 };
const id = (raw: string) => raw as TDeviceId;
const postgres = await checkService("postgres");

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe.each([
  { kind: "pglite" as const, available: true },
  { kind: "postgres" as const, available: postgres.available },
])("telemetry ingest on $kind", ({ kind, available }) => {
  let db: TTestDatabase;
  let broker: RunningBroker;

  beforeAll(async () => {
    if (!available) return;
    db = await createTestDatabase({ kind });
    broker = await startTestBroker({ INGEST_FLUSH_MS: "50" }, { database: db.prisma });
  });
  afterAll(async () => {
    await broker?.close();
    await db?.close();
  });

  async function device(id: string, options: Parameters<typeof connectClient>[1] = {}): Promise<MqttClient> {
    await db.prisma.device.create({ data: { id, name: id, credentialHash: await hashSecret(`${id}-secret`, FAST) } });
    return connectClient(mqttUrl(broker), { clientId: id, username: id, password: `${id}-secret`, ...options });
  }

  const statusOf = (id: string) =>
    db.prisma.device.findUniqueOrThrow({
      where: { id },
      select: { status: true, lastSeenAt: true, hardware: true, agentVersion: true },
    });

  it.skipIf(!available)("writes telemetry samples, events and reports of a device", async () => {
    const gw = await device("ing-1");
    await gw.publishAsync(telemetryTopic(id("ing-1")), JSON.stringify(telemetry(3)), { qos: 1 });
    await gw.publishAsync(telemetryTopic(id("ing-1")), JSON.stringify(telemetry(2)), { qos: 1 });
    await gw.publishAsync(eventsTopic(id("ing-1")), JSON.stringify(events()), { qos: 1 });
    await gw.publishAsync(reportedTopic(id("ing-1")), JSON.stringify(reported()), { qos: 1, retain: true });
    await until(async () => (await db.prisma.deviceReport.count({ where: { deviceId: "ing-1" } })) === 1);
    await until(async () => (await db.prisma.telemetrySample.count({ where: { deviceId: "ing-1" } })) === 5);
    const sample = await db.prisma.telemetrySample.findFirstOrThrow({
      where: { deviceId: "ing-1" },
      orderBy: { ts: "asc" },
    });
    expect(sample).toMatchObject({
      inferences: 120,
      latencyP50: 4.2,
      latencyP99: 12.5,
      cpuPct: 35.5,
      batteryPct: null,
      variantId: "var-int8",
    });
    expect(sample.ts.getTime()).toBe(telemetry().samples[0]?.ts);
    const logged = await db.prisma.deviceEvent.findMany({ where: { deviceId: "ing-1" }, orderBy: { id: "asc" } });
    expect(logged.map((e) => [e.kind, e.level, e.message, e.data])).toEqual([
      ["inference", "info", "class 7", { label: 7, scores: [0.9, 0.1] }],
      ["log", "warn", "slow inference", null],
    ]);
    const report = await db.prisma.deviceReport.findFirstOrThrow({ where: { deviceId: "ing-1" } });
    expect(report).toMatchObject({
      rev: 7,
      state: "failed",
      variantId: "var-int8",
      error: "hash_mismatch: sha256 differs",
    });
    await gw.endAsync();
  });

  it.skipIf(!available)(
    "follows status: online with hardware from the birth, offline on disconnect and on the Last Will",
    async () => {
      const gw = await device("ing-2", { will: lastWill(id("ing-2")) });
      await until(async () => (await statusOf("ing-2")).status === "ONLINE");
      await gw.publishAsync(statusTopic(id("ing-2")), JSON.stringify(onlineStatus("1.2.3")), { qos: 1, retain: true });
      await until(async () => (await statusOf("ing-2")).agentVersion === "1.2.3");
      expect((await statusOf("ing-2")).hardware).toMatchObject({ arch: "arm64", cores: 4, class: "gateway" });
      expect((await statusOf("ing-2")).lastSeenAt).not.toBeNull();

      // Connection lost without DISCONNECT: the Will says offline [MQTT-3.1.2-8].
      gw.stream.destroy();
      await until(async () => (await statusOf("ing-2")).status === "OFFLINE");

      const again = await connectClient(mqttUrl(broker), {
        clientId: "ing-2",
        username: "ing-2",
        password: "ing-2-secret",
      });
      await until(async () => (await statusOf("ing-2")).status === "ONLINE");
      await again.endAsync();
      await until(async () => (await statusOf("ing-2")).status === "OFFLINE");
    },
  );

  it.skipIf(!available)(
    "counts and drops invalid payloads without disturbing valid traffic or the connection",
    async () => {
      const gw = await device("ing-3");
      const before = await scrapeMetric(broker, 'fleet_broker_invalid_payloads_total{code="not_json"}');
      await gw.publishAsync(telemetryTopic(id("ing-3")), "{not json", { qos: 1 });
      await gw.publishAsync(telemetryTopic(id("ing-3")), JSON.stringify({ v: 1, ts: 5, samples: [] }), { qos: 1 });
      await gw.publishAsync(telemetryTopic(id("ing-3")), Buffer.from([0xff, 0xfe, 0x00]), { qos: 1 });
      await gw.publishAsync(telemetryTopic(id("ing-3")), JSON.stringify(telemetry(1)), { qos: 1 });
      await until(async () => (await db.prisma.telemetrySample.count({ where: { deviceId: "ing-3" } })) === 1);
      expect(gw.connected).toBe(true);
      expect(await scrapeMetric(broker, 'fleet_broker_invalid_payloads_total{code="not_json"}')).toBe(before + 1);
      expect(await scrapeMetric(broker, 'fleet_broker_invalid_payloads_total{code="invalid"}')).toBeGreaterThanOrEqual(
        1,
      );
      await gw.endAsync();
    },
  );

  it.skipIf(!available)("skips rows of a device deleted meanwhile instead of failing the batch", async () => {
    const gw = await device("ing-4");
    const other = await device("ing-5");
    await db.prisma.device.delete({ where: { id: "ing-4" } });
    gw.publish(telemetryTopic(id("ing-4")), JSON.stringify(telemetry(1)), { qos: 0 });
    await other.publishAsync(telemetryTopic(id("ing-5")), JSON.stringify(telemetry(2)), { qos: 1 });
    await until(async () => (await db.prisma.telemetrySample.count({ where: { deviceId: "ing-5" } })) === 2);
    await Promise.all([gw.endAsync(true), other.endAsync()]);
  });
});

describe("flush on shutdown", () => {
  it("a QoS 1 telemetry message acknowledged before a clean stop is in the database after it", async () => {
    const db = await createTestDatabase({ kind: "pglite" });
    try {
      // A flush interval far longer than the test: only the shutdown flush can write the rows.
      const broker = await startTestBroker({ INGEST_FLUSH_MS: "60000" }, { database: db.prisma });
      await db.prisma.device.create({
        data: { id: "ing-9", name: "ing-9", credentialHash: await hashSecret("s", FAST) },
      });
      const gw = await connectClient(mqttUrl(broker), { clientId: "ing-9", username: "ing-9", password: "s" });
      for (let i = 0; i < 20; i++)
        await gw.publishAsync(telemetryTopic(id("ing-9")), JSON.stringify(telemetry(5, 1_700_000_000_000 + i * 10)), {
          qos: 1,
        });
      expect(await db.prisma.telemetrySample.count()).toBe(0);
      await broker.close();
      expect(await db.prisma.telemetrySample.count({ where: { deviceId: "ing-9" } })).toBe(100);
      expect((await db.prisma.device.findUniqueOrThrow({ where: { id: "ing-9" } })).status).toBe("OFFLINE");
    } finally {
      await db.close();
    }
  });
});
