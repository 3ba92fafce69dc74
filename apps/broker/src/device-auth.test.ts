// Device login against the real Device table (embedded PGlite always, PostgreSQL when present), over
// real sockets: right secret in, wrong or unknown out, disabled refused at CONNECT, and a connected
// device that is disabled or deleted is disconnected by the periodic re-check.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkService, createTestDatabase, type TTestDatabase } from "@fleet/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "@fleet/db";
import type { RunningBroker } from "./server.ts";
import { connackCode, connectClient, mqttUrl, startTestBroker, subscribeGranted } from "./testing/broker-harness.ts";

const FAST = { N: 1024, r: 8, p: 1 };
const postgres = await checkService("postgres");

describe.each([
  { kind: "pglite" as const, available: true },
  { kind: "postgres" as const, available: postgres.available },
])("device authentication on $kind", ({ kind, available }) => {
  let db: TTestDatabase;
  let broker: RunningBroker;
  const dir = mkdtempSync(join(tmpdir(), "fleet-broker-auth-"));

  beforeAll(async () => {
    if (!available) return;
    db = await createTestDatabase({ kind });
    const accounts = join(dir, "service-accounts.json");
    const consoleAccount = {
      username: "console",
      secretHash: await hashSecret("console-secret", FAST),
      publish: ["fleet/v1/+/desired"],
      subscribe: ["fleet/v1/+/reported"],
    };
    writeFileSync(accounts, JSON.stringify({ accounts: [consoleAccount] }));
    broker = await startTestBroker(
      { MQTT_DEVICE_RECHECK_MS: "200", MQTT_SERVICE_ACCOUNTS: accounts, INGEST_ENABLED: "false" },
      { database: db.prisma },
    );
  });
  afterAll(async () => {
    await broker?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const provision = async (id: string, secret: string, enabled = true) =>
    db.prisma.device.create({ data: { id, name: id, credentialHash: await hashSecret(secret, FAST), enabled } });

  it.skipIf(!available)("admits client id = username = device id with its secret", async () => {
    await provision("gw-ok", "s-ok");
    expect(await connackCode(mqttUrl(broker), { clientId: "gw-ok", username: "gw-ok", password: "s-ok" })).toBe(0);
  });

  it.skipIf(!available)("refuses a wrong secret and an unknown device with 4", async () => {
    await provision("gw-wrong", "s-right");
    expect(
      await connackCode(mqttUrl(broker), { clientId: "gw-wrong", username: "gw-wrong", password: "s-guess" }),
    ).toBe(4);
    expect(await connackCode(mqttUrl(broker), { clientId: "gw-none", username: "gw-none", password: "s" })).toBe(4);
  });

  it.skipIf(!available)("refuses a disabled device at CONNECT with 5", async () => {
    await provision("gw-off", "s-off", false);
    expect(await connackCode(mqttUrl(broker), { clientId: "gw-off", username: "gw-off", password: "s-off" })).toBe(5);
  });

  it.skipIf(!available)("disconnects a connected device once it is disabled, and refuses it afterwards", async () => {
    await provision("gw-live", "s-live");
    const client = await connectClient(mqttUrl(broker), {
      clientId: "gw-live",
      username: "gw-live",
      password: "s-live",
    });
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    await db.prisma.device.update({ where: { id: "gw-live" }, data: { enabled: false } });
    await closed; // the re-check runs every 200 ms here (2 s by default)
    expect(await connackCode(mqttUrl(broker), { clientId: "gw-live", username: "gw-live", password: "s-live" })).toBe(
      5,
    );
  });

  it.skipIf(!available)("disconnects a connected device once it is deleted", async () => {
    await provision("gw-gone", "s-gone");
    const client = await connectClient(mqttUrl(broker), {
      clientId: "gw-gone",
      username: "gw-gone",
      password: "s-gone",
    });
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    await db.prisma.device.delete({ where: { id: "gw-gone" } });
    await closed;
    expect(await connackCode(mqttUrl(broker), { clientId: "gw-gone", username: "gw-gone", password: "s-gone" })).toBe(
      4,
    );
  });

  it.skipIf(!available)("admits a service account from the accounts file with exactly its listed rights", async () => {
    const svc = await connectClient(mqttUrl(broker), {
      clientId: "console-1",
      username: "console",
      password: "console-secret",
    });
    expect(await subscribeGranted(svc, ["fleet/v1/+/reported", "fleet/v1/+/telemetry"], 1)).toEqual([1, 0x80]);
    await svc.endAsync();
    expect(await connackCode(mqttUrl(broker), { clientId: "console-1", username: "console", password: "nope" })).toBe(
      4,
    );
  });
});
