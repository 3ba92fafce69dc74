import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { hashSecret } from "@fleet/db";
import { checkService, createTestDatabase, type TTestDatabase } from "@fleet/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, runBin, type TProc, waitForReady } from "./processes.ts";

// The agent and the broker as separate processes, meeting only over MQTT and the database:
// provisioned credentials let the agent in, its birth and telemetry land in PostgreSQL, and a
// device disabled by an operator is thrown out.
const postgres = await checkService("postgres");

describe("fleet-agent against fleet-broker", () => {
  let db: TTestDatabase;
  let broker: TProc;
  let mqttPort: number;
  const agents: TProc[] = [];
  const dirs: string[] = [];
  const secret = "e2e-secret-0123456789abcdef";

  const startAgent = async (deviceId: string, agentSecret: string): Promise<TProc> => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "fleet-e2e-agent-"));
    dirs.push(dataDir);
    const agent = runBin("apps/agent/bin/fleet-agent.mjs", [
      "run",
      "--broker",
      `mqtt://127.0.0.1:${mqttPort}`,
      "--device-id",
      deviceId,
      "--secret",
      agentSecret,
      "--data-dir",
      dataDir,
      "--telemetry-interval",
      "1",
      "--inputs",
      "sensor",
      "--http-port",
      "0",
    ]);
    agents.push(agent);
    return agent;
  };

  beforeAll(async () => {
    db = await createTestDatabase({ kind: postgres.available ? "postgres" : "pglite" });
    const credentialHash = await hashSecret(secret);
    await db.prisma.device.createMany({
      data: [
        { id: "e2e-gw-1", name: "Gateway 1", credentialHash },
        { id: "e2e-gw-2", name: "Gateway 2", credentialHash },
      ],
    });
    broker = runBin("apps/broker/bin/fleet-broker.mjs", [
      "--database-url",
      db.url,
      "--mqtt-port",
      "0",
      "--ws-port",
      "off",
      "--metrics-port",
      "off",
      "--device-recheck-ms",
      "500",
      "--ingest-flush-ms",
      "100",
    ]);
    const ready = await waitForReady(broker, "fleet-broker");
    mqttPort = Number(new URL(ready.urls.mqtt ?? "").port);
  });

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await broker?.stop();
    await db?.close();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("a provisioned agent comes online with its hardware, and its telemetry is stored", async () => {
    await startAgent("e2e-gw-1", secret);
    const device = await eventually(async () => {
      const row = await db.prisma.device.findUnique({ where: { id: "e2e-gw-1" } });
      return row?.status === "ONLINE" && row.hardware !== null ? row : undefined;
    }, "e2e-gw-1 to be ONLINE with hardware");
    expect(device.agentVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(device.hardware).toMatchObject({ class: "gateway", cores: expect.any(Number) });
    const samples = await eventually(async () => {
      const rows = await db.prisma.telemetrySample.findMany({ where: { deviceId: "e2e-gw-1" } });
      return rows.length >= 2 ? rows : undefined;
    }, "telemetry rows of e2e-gw-1");
    expect(samples[0]).toMatchObject({ deviceId: "e2e-gw-1", errors: 0 });
  });

  it("a wrong secret is refused: the device never comes online", async () => {
    const agent = await startAgent("e2e-gw-2", "wrong-secret-0123456789");
    await eventually(async () => /bad user name or password/i.test(agent.output()), "the agent to report the refusal");
    const row = await db.prisma.device.findUnique({ where: { id: "e2e-gw-2" } });
    expect(row?.status).not.toBe("ONLINE");
    expect(agent.child.exitCode, agent.output()).toBeNull(); // it keeps running and retrying
  });

  it("disabling a connected device throws it out and marks it offline", async () => {
    await db.prisma.device.update({ where: { id: "e2e-gw-1" }, data: { enabled: false } });
    await eventually(
      async () => (await db.prisma.device.findUnique({ where: { id: "e2e-gw-1" } }))?.status === "OFFLINE",
      "e2e-gw-1 to go OFFLINE after being disabled",
      15_000,
    );
    const before = await db.prisma.telemetrySample.count({ where: { deviceId: "e2e-gw-1" } });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await db.prisma.telemetrySample.count({ where: { deviceId: "e2e-gw-1" } })).toBe(before);
  });
});
