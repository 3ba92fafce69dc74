// The rollout driver on a real database (PGlite; the race also on PostgreSQL), with the in-memory
// publisher and agents simulated at the database level (rows as the broker's ingest writes them).
import { createPrismaClient, type PrismaClient } from "@fleet/db";
import { checkService, createTestDatabase, type TTestDatabase } from "@fleet/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "../audit/record-audit.ts";
import { createRollout, previewRollout, rollbackRollout, startRollout } from "./manage-rollouts.ts";
import { MemoryDesiredPublisher } from "./memory-desired-publisher.ts";
import { RolloutDriver, type TTickResult } from "./rollout-driver.ts";
import type { TCreateRolloutInput } from "./rollout.types.ts";
import { chooseRolloutVariant } from "./choose-rollout-variant.ts";
import { createDescribeVariant } from "./describe-variant.ts";
import {
  fakeDescribe,
  seedEngineFleet,
  seedFleet,
  simpleChooser,
  SimulatedAgents,
  type TFleetFixture,
} from "./testing/rollout-fixtures.ts";

const actor: TActor = { id: null, label: "test" };

class Clock {
  t = Date.now();
  now = () => new Date(this.t);
  advance(seconds: number) {
    this.t += seconds * 1000;
  }
}

interface THarness {
  clock: Clock;
  publisher: MemoryDesiredPublisher;
  agents: SimulatedAgents;
  driver: RolloutDriver;
  fleet: TFleetFixture;
}

async function setup(prisma: PrismaClient, size: { gateways: number; wearables: number }): Promise<THarness> {
  const clock = new Clock();
  const publisher = new MemoryDesiredPublisher();
  const fleet = await seedFleet(prisma, size);
  const agents = new SimulatedAgents(prisma, publisher, clock.now);
  agents.boot([...fleet.gateways, ...fleet.wearables, fleet.orphan], fleet.oldVariantId);
  const driver = new RolloutDriver({
    prisma,
    publisher,
    describeVariant: fakeDescribe,
    now: clock.now,
    owner: "driver-a",
  });
  return { clock, publisher, agents, driver, fleet };
}

async function createAndStart(prisma: PrismaClient, h: THarness, patch: Partial<TCreateRolloutInput> = {}) {
  const created = await createRollout({
    prisma,
    actor,
    chooseVariant: simpleChooser,
    input: {
      name: "new model everywhere",
      modelId: h.fleet.modelId,
      target: { kind: "tags", tags: [h.fleet.gateways[0]!.split("-")[0]!] },
      strategy: { wavePercents: [10, 50, 100], soakSeconds: 60 },
      ...patch,
    },
  });
  await startRollout({ prisma, actor, chooseVariant: simpleChooser, id: created.id, now: h.clock.now() });
  return created;
}

/** tick → agents handle what was published → telemetry → tick, then the clock moves on. */
async function cycle(
  h: Pick<THarness, "clock" | "agents" | "driver">,
  driver = h.driver,
  seconds = 61,
): Promise<TTickResult> {
  await driver.tick();
  await h.agents.deliver();
  await h.agents.telemetry();
  const result = await driver.tick();
  h.clock.advance(seconds);
  return result;
}

async function runUntil(
  prisma: PrismaClient,
  h: Pick<THarness, "clock" | "agents" | "driver">,
  id: string,
  statuses: string[],
  driver = h.driver,
  max = 20,
): Promise<string> {
  for (let i = 0; i < max; i++) {
    const { status } = await prisma.rollout.findUniqueOrThrow({ where: { id }, select: { status: true } });
    if (statuses.includes(status)) return status;
    await cycle(h, driver);
  }
  throw new Error(`rollout ${id} did not reach ${statuses.join("/")}`);
}

let db: TTestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ kind: "pglite" });
});
afterAll(async () => {
  await db?.close();
});

describe("rollout driver", () => {
  it("rolls a mixed fleet out wave by wave: gateways and wearables end on the variants their profiles allow", async () => {
    const prisma = db.prisma;
    const h = await setup(prisma, { gateways: 20, wearables: 10 });
    const preview = await previewRollout({
      prisma,
      chooseVariant: simpleChooser,
      input: {
        modelId: h.fleet.modelId,
        target: { kind: "all" },
        strategy: { wavePercents: [10, 50, 100], soakSeconds: 60 },
      },
    });
    expect(preview.byVariant.map((v) => [v.name, v.devices])).toEqual([
      ["fp16", 20],
      ["int4", 10],
    ]);
    expect(preview.incompatible).toEqual([
      {
        deviceId: h.fleet.orphan,
        name: h.fleet.orphan,
        reason: "No hardware profile: No profile matched: arch riscv64.",
      },
    ]);
    expect(preview.waves.map((w) => w.byVariant)).toEqual([
      { [h.fleet.variants.fp16]: 2, [h.fleet.variants.int4]: 1 },
      { [h.fleet.variants.fp16]: 8, [h.fleet.variants.int4]: 4 },
      { [h.fleet.variants.fp16]: 10, [h.fleet.variants.int4]: 5 },
    ]);

    const { id } = await createAndStart(prisma, h);
    // Wave 1 only: 3 devices got a revision, nobody else.
    await h.driver.tick();
    expect(h.publisher.log).toHaveLength(3);
    expect(new Set(h.publisher.log.map((entry) => entry.payload.variant?.id))).toEqual(
      new Set([h.fleet.variants.fp16, h.fleet.variants.int4]),
    );
    expect(h.publisher.log.every((entry) => entry.payload.rev === 1 && entry.payload.rolloutId === id)).toBe(true);

    // Before the soak time the wave holds, even though everything is active.
    await h.agents.deliver();
    await h.agents.telemetry();
    const early = await h.driver.tick();
    expect(early.steps.find((step) => step.rolloutId === id)?.verdict?.verdict).toBe("wait");
    expect((await prisma.rollout.findUniqueOrThrow({ where: { id } })).currentWave).toBe(1);

    h.clock.advance(61);
    expect(await runUntil(prisma, h, id, ["COMPLETED"])).toBe("COMPLETED");

    const devices = await prisma.device.findMany({
      where: { id: { in: [...h.fleet.gateways, ...h.fleet.wearables, h.fleet.orphan] } },
      select: { id: true, activeVariantId: true, prevVariantId: true, desiredRev: true, reportedRev: true },
    });
    const byId = new Map(devices.map((d) => [d.id, d]));
    for (const gw of h.fleet.gateways)
      expect(byId.get(gw)).toMatchObject({
        activeVariantId: h.fleet.variants.fp16,
        prevVariantId: h.fleet.oldVariantId,
        desiredRev: 1,
        reportedRev: 1,
      });
    for (const wr of h.fleet.wearables)
      expect(byId.get(wr)).toMatchObject({ activeVariantId: h.fleet.variants.int4, desiredRev: 1 });
    // The incompatible device was never sent anything.
    expect(byId.get(h.fleet.orphan)).toMatchObject({ activeVariantId: h.fleet.oldVariantId, desiredRev: 0 });
    expect(h.publisher.count(h.fleet.orphan)).toBe(0);
    // Every compatible device got exactly one message.
    expect(h.publisher.log).toHaveLength(30);

    const rows = await prisma.rolloutDevice.groupBy({
      by: ["state"],
      where: { rolloutId: id },
      _count: { _all: true },
    });
    expect(Object.fromEntries(rows.map((r) => [r.state, r._count._all]))).toEqual({ ACTIVE: 30, INCOMPATIBLE: 1 });
    const audit = await prisma.auditEvent.findMany({
      where: { entityId: id },
      orderBy: { id: "asc" },
      select: { action: true, actorLabel: true },
    });
    expect(audit.map((a) => a.action)).toEqual([
      "rollout.create",
      "rollout.start",
      "rollout.wave",
      "rollout.wave",
      "rollout.complete",
    ]);
    // The driver's audit label predates its rename and stays, as stored rows carry it.
    expect(audit.at(-1)?.actorLabel).toBe("rollout-engine");
  });

  it("a variant that fails the agents' self-test trips the gate and every device of the rollout is rolled back", async () => {
    const prisma = db.prisma;
    const h = await setup(prisma, { gateways: 20, wearables: 10 });
    h.agents.outcome = (_device, variantId) => (variantId === h.fleet.variants.int4 ? "self_test_failed" : "ok");
    const { id } = await createAndStart(prisma, h, { autoRollback: true });

    const first = await cycle(h);
    expect(first.steps.find((step) => step.rolloutId === id)?.transition).toBe("RUNNING→ROLLING_BACK");
    const rollout = await prisma.rollout.findUniqueOrThrow({ where: { id } });
    expect(rollout.status).toBe("ROLLING_BACK");
    expect(rollout.reason).toBe(
      "Wave 1: Activation gate failed: 2 active, 1 failed: 66.7 % activated (needs ≥ 95 %). Rolling back.",
    );

    expect(await runUntil(prisma, h, id, ["ROLLED_BACK"])).toBe("ROLLED_BACK");
    const sent = await prisma.rolloutDevice.findMany({
      where: { rolloutId: id, desiredRev: { not: null } },
      select: { deviceId: true, state: true, desiredRev: true, error: true },
    });
    expect(sent).toHaveLength(3);
    for (const row of sent) {
      expect(row).toMatchObject({ state: "ROLLED_BACK", desiredRev: 2 });
      // The rollback revision named the previous variant.
      expect(h.publisher.retained.get(row.deviceId)).toMatchObject({ rev: 2, variant: { id: h.fleet.oldVariantId } });
    }
    expect(sent.find((row) => row.error)?.error).toBe("self_test_failed: output differs from the golden output");
    const devices = await prisma.device.findMany({
      where: { id: { in: sent.map((row) => row.deviceId) } },
      select: { activeVariantId: true },
    });
    expect(devices.every((d) => d.activeVariantId === h.fleet.oldVariantId)).toBe(true);
    // Devices of later waves never got anything.
    expect(await prisma.rolloutDevice.count({ where: { rolloutId: id, state: "PENDING" } })).toBe(27);
    expect(h.publisher.log).toHaveLength(6);
    const actions = (
      await prisma.auditEvent.findMany({ where: { entityId: id }, orderBy: { id: "asc" }, select: { action: true } })
    ).map((a) => a.action);
    expect(actions).toEqual(["rollout.create", "rollout.start", "rollout.gate_failed", "rollout.rolled_back"]);
  });

  it("a failed gate without autoRollback pauses; a manual rollback later rolls back every sent device", async () => {
    const prisma = db.prisma;
    const h = await setup(prisma, { gateways: 10, wearables: 0 });
    h.agents.errorsPer100 = (_device, variantId) => (variantId === h.fleet.variants.fp16 ? 5 : 0);
    const { id } = await createAndStart(prisma, h, {
      autoRollback: false,
      strategy: { wavePercents: [50, 100], soakSeconds: 60 },
    });
    expect(await runUntil(prisma, h, id, ["PAUSED"])).toBe("PAUSED");
    expect((await prisma.rollout.findUniqueOrThrow({ where: { id } })).reason).toBe(
      "Wave 1: Errors gate failed: 25 errors in 500 inferences: 5 % (limit 1 %). Paused.",
    );
    await rollbackRollout({ prisma, actor, id, reason: "bad numbers" });
    expect(await runUntil(prisma, h, id, ["ROLLED_BACK"])).toBe("ROLLED_BACK");
    expect(await prisma.rolloutDevice.count({ where: { rolloutId: id, state: "ROLLED_BACK" } })).toBe(5);
  });

  it("a console restart mid-wave: a new driver instance resumes and publishes what was left, nothing twice", async () => {
    const prisma = db.prisma;
    const h = await setup(prisma, { gateways: 30, wearables: 10 });
    const { id } = await createAndStart(prisma, h, { strategy: { wavePercents: [10, 100], soakSeconds: 60 } });
    await cycle(h);
    // Wave 2 is issued; the first process dies after publishing 5 of its 36 messages.
    let budget = 5;
    h.publisher.failWith = () => (budget-- > 0 ? null : new Error("process killed"));
    const crashed = await cycle(h);
    expect(crashed.steps.find((step) => step.rolloutId === id)?.error).toBe("process killed");
    const published = h.publisher.log.length;
    expect(published).toBe(4 + 5);
    h.publisher.failWith = null;

    const restarted = new RolloutDriver({
      prisma,
      publisher: h.publisher,
      describeVariant: fakeDescribe,
      now: h.clock.now,
      owner: "driver-b",
      leaseMs: 15_000,
    });
    // The dead process's lease has expired by now (cycle advanced the clock past it).
    expect(await runUntil(prisma, h, id, ["COMPLETED"], restarted)).toBe("COMPLETED");
    expect(h.publisher.log).toHaveLength(40);
    expect(new Set(h.publisher.log.map((entry) => entry.deviceId)).size).toBe(40);
    expect(await prisma.rolloutDevice.count({ where: { rolloutId: id, state: "ACTIVE" } })).toBe(40);
  });

  it("records as sentAt the moment the revision went out (the payload's ts), not when the batch was acknowledged", async () => {
    const prisma = db.prisma;
    const h = await setup(prisma, { gateways: 3, wearables: 0 });
    const { id } = await createAndStart(prisma, h, { strategy: { wavePercents: [100], soakSeconds: 0 } });
    // Each acknowledgement takes 10 s (as far as the driver's clock is concerned).
    const slow = {
      publish: async (deviceId: string, payload: Parameters<MemoryDesiredPublisher["publish"]>[1]) => {
        await h.publisher.publish(deviceId, payload);
        h.clock.advance(10);
      },
    };
    const driver = new RolloutDriver({
      prisma,
      publisher: slow,
      describeVariant: fakeDescribe,
      now: h.clock.now,
      owner: "driver-a",
    });
    await driver.tick();
    const rows = await prisma.rolloutDevice.findMany({
      where: { rolloutId: id, desiredRev: { not: null } },
      select: { deviceId: true, sentAt: true },
    });
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.sentAt?.getTime()).toBe(h.publisher.retained.get(row.deviceId)?.ts);
  });

  it("a driver waits for a live lease of another process before touching its rollout", async () => {
    const prisma = db.prisma;
    const h = await setup(prisma, { gateways: 4, wearables: 0 });
    const { id } = await createAndStart(prisma, h, { strategy: { wavePercents: [100], soakSeconds: 0 } });
    expect(await h.driver.acquireLease(id)).toBe(true);
    const other = new RolloutDriver({
      prisma,
      publisher: h.publisher,
      describeVariant: fakeDescribe,
      now: h.clock.now,
      owner: "driver-b",
    });
    const blocked = await other.tick();
    expect(blocked.steps.find((s) => s.rolloutId === id)).toMatchObject({ leased: false, published: 0 });
    await h.driver.releaseLeases();
    expect((await other.tick()).steps.find((s) => s.rolloutId === id)).toMatchObject({ leased: true, published: 4 });
    await h.agents.deliver();
    await other.tick();
    expect((await prisma.rollout.findUniqueOrThrow({ where: { id } })).status).toBe("COMPLETED");
  });

  it("an offline device gets its retained revision when it returns and is counted when it reports", async () => {
    const prisma = db.prisma;
    const h = await setup(prisma, { gateways: 10, wearables: 0 });
    // Every device must report before a wave passes.
    const { id } = await createAndStart(prisma, h, {
      strategy: { wavePercents: [50, 100], soakSeconds: 60 },
      gates: { minReportedPct: 100 },
    });
    await h.driver.tick();
    const firstWave = h.publisher.log.map((entry) => entry.deviceId);
    const offline = firstWave[0]!;
    h.agents.online.delete(offline);

    await cycle(h); // soaking
    for (let i = 0; i < 3; i++) {
      const result = await cycle(h);
      expect(result.steps.find((step) => step.rolloutId === id)?.verdict?.summary).toBe(
        "Waiting: 4 of 5 devices reported an outcome (80 %; needs 100 %, waiting up to 1800 s).",
      );
    }
    expect(
      await prisma.rolloutDevice.findUniqueOrThrow({
        where: { rolloutId_deviceId: { rolloutId: id, deviceId: offline } },
      }),
    ).toMatchObject({ state: "SENT" });

    // Back online: the broker hands it the retained message; the driver counts it and moves on.
    h.agents.online.add(offline);
    expect(await runUntil(prisma, h, id, ["COMPLETED"])).toBe("COMPLETED");
    expect(
      await prisma.rolloutDevice.findUniqueOrThrow({
        where: { rolloutId_deviceId: { rolloutId: id, deviceId: offline } },
      }),
    ).toMatchObject({ state: "ACTIVE" });
    expect(h.publisher.count(offline)).toBe(1);
  });

  it("republishes a revision nobody answered before its download URL expires, and counts a device that reports after completion", async () => {
    const prisma = db.prisma;
    const h = await setup(prisma, { gateways: 4, wearables: 0 });
    const driver = new RolloutDriver({
      prisma,
      publisher: h.publisher,
      describeVariant: fakeDescribe,
      now: h.clock.now,
      owner: "driver-a",
      refreshAfterMs: 3_600_000,
    });
    const { id } = await createAndStart(prisma, h, {
      strategy: { wavePercents: [100], soakSeconds: 0 },
      gates: { minReportedPct: 50 },
    });
    const late = h.fleet.gateways[0]!;
    h.agents.online.delete(late);
    expect(await runUntil(prisma, h, id, ["COMPLETED"], driver)).toBe("COMPLETED");
    expect(h.publisher.count(late, 1)).toBe(1);

    h.clock.advance(3_601);
    await driver.tick();
    expect(h.publisher.count(late, 1)).toBe(2);
    expect(h.publisher.count(h.fleet.gateways[1]!)).toBe(1);

    h.agents.online.add(late);
    await h.agents.deliver();
    await driver.tick();
    expect(
      await prisma.rolloutDevice.findUniqueOrThrow({
        where: { rolloutId_deviceId: { rolloutId: id, deviceId: late } },
      }),
    ).toMatchObject({ state: "ACTIVE" });
  });
});

describe("engines per device", () => {
  it("sends onnx-int8 only where the last birth reported onnx, tfjs elsewhere; payloads and rollbacks name the engine in lower case", async () => {
    const prisma = db.prisma;
    const clock = new Clock();
    const publisher = new MemoryDesiredPublisher();
    const fleet = await seedEngineFleet(prisma, { onnx: 3, tfjs: 3, prefix: "eng" });
    const agents = new SimulatedAgents(prisma, publisher, clock.now);
    agents.boot([...fleet.onnxDevices, ...fleet.tfjsDevices, fleet.unknownDevice], null);
    // The console's real describer (as main.ts wires it), with a stand-in URL and size.
    const describeVariant = createDescribeVariant({
      signedVariantUrl: (id) => `http://console.test/api/artifacts/${id}/manifest.json?sig=x`,
      manifestBytes: () => 1_000,
    });
    const driver = new RolloutDriver({ prisma, publisher, describeVariant, now: clock.now, owner: "driver-a" });
    const h = { clock, agents, driver };

    const input = {
      modelId: fleet.modelId,
      target: { kind: "tags" as const, tags: ["eng"] },
      strategy: { wavePercents: [50, 100], soakSeconds: 60 },
    };
    const preview = await previewRollout({ prisma, chooseVariant: chooseRolloutVariant, input });
    expect(preview.byVariant.map((v) => [v.name, v.engine, v.devices])).toEqual([
      ["int8-channel", "tfjs", 4],
      ["onnx-int8", "onnx", 3],
    ]);
    const created = await createRollout({
      prisma,
      actor,
      chooseVariant: chooseRolloutVariant,
      input: { name: "int8 on the engine each device runs", ...input },
    });
    await startRollout({ prisma, actor, chooseVariant: chooseRolloutVariant, id: created.id, now: clock.now() });

    const plan = await prisma.rolloutDevice.findMany({
      where: { rolloutId: created.id },
      select: { deviceId: true, wave: true, variantId: true, reason: true },
    });
    const planned = new Map(plan.map((row) => [row.deviceId, row]));
    for (const id of fleet.onnxDevices) {
      expect(planned.get(id)?.variantId).toBe(fleet.variants.onnx);
      expect(planned.get(id)?.reason).toMatch(/^Chose onnx-int8 \(int8, onnx, .*onnx is the preferred engine/);
    }
    for (const id of [...fleet.tfjsDevices, fleet.unknownDevice]) {
      expect(planned.get(id)?.variantId).toBe(fleet.variants.tfjs);
      expect(planned.get(id)?.reason).toContain("no variant of the preferred engine onnx fits");
    }
    expect(planned.get(fleet.tfjsDevices[0]!)?.reason).toContain(
      "onnx-int8 (engine onnx does not load on this device (it reports tfjs))",
    );
    expect(planned.get(fleet.unknownDevice)?.reason).toContain("only tfjs is assumed");

    // Between waves an onnx device of wave 2 comes back with a birth where ONNX Runtime no longer loads.
    const downgraded = plan.find((row) => row.wave === 2 && row.variantId === fleet.variants.onnx)!.deviceId;
    const hw = (await prisma.device.findUniqueOrThrow({ where: { id: downgraded }, select: { hardware: true } }))
      .hardware as Record<string, unknown>;
    await prisma.device.update({ where: { id: downgraded }, data: { hardware: { ...hw, engines: ["tfjs"] } } });

    expect(await runUntil(prisma, h, created.id, ["COMPLETED"])).toBe("COMPLETED");
    const sent = (deviceId: string) =>
      publisher.log.filter((entry) => entry.deviceId === deviceId).map((entry) => entry.payload.variant);
    for (const id of fleet.onnxDevices.filter((d) => d !== downgraded))
      expect(sent(id)).toEqual([
        expect.objectContaining({ id: fleet.variants.onnx, engine: "onnx", precision: "int8" }),
      ]);
    for (const id of [...fleet.tfjsDevices, fleet.unknownDevice])
      expect(sent(id)).toEqual([
        expect.objectContaining({ id: fleet.variants.tfjs, engine: "tfjs", precision: "int8" }),
      ]);
    // No onnx variant ever went to a device that did not report onnx at the time.
    expect(sent(downgraded)).toEqual([]);
    expect(
      await prisma.rolloutDevice.findUniqueOrThrow({
        where: { rolloutId_deviceId: { rolloutId: created.id, deviceId: downgraded } },
      }),
    ).toMatchObject({
      state: "INCOMPATIBLE",
      wave: 0,
      variantId: null,
      reason: "Not sent: engine onnx does not load on this device any more (it reports tfjs).",
    });

    // Rolling back sends every device its previous variant, the engine named in lower case too.
    publisher.log.length = 0;
    await rollbackRollout({ prisma, actor, id: created.id, reason: "test" });
    await driver.tick();
    for (const id of fleet.onnxDevices.filter((d) => d !== downgraded))
      expect(sent(id)).toEqual([expect.objectContaining({ id: fleet.oldVariants.onnx, engine: "onnx" })]);
    for (const id of fleet.tfjsDevices)
      expect(sent(id)).toEqual([expect.objectContaining({ id: fleet.oldVariants.tfjs, engine: "tfjs" })]);
    expect(sent(downgraded)).toEqual([]);
  });
});

describe.each(["pglite", "postgres"] as const)("two drivers racing on one rollout (%s)", (kind) => {
  let raceDb: TTestDatabase | null = null;
  let second: PrismaClient | null = null;

  beforeAll(async () => {
    if (kind === "postgres") {
      const service = await checkService("postgres");
      if (!service.available) return;
      raceDb = await createTestDatabase({ kind });
    } else {
      raceDb = db;
    }
    second = createPrismaClient(raceDb.url, { poolMax: 4 });
  });
  afterAll(async () => {
    await second?.$disconnect();
    if (kind === "postgres") await raceDb?.close();
  });

  it("advances it once: one message per device and revision, one audit event per wave", async (ctx) => {
    if (!raceDb || !second) return ctx.skip("PostgreSQL is not available");
    const prisma = raceDb.prisma;
    const h = await setup(prisma, { gateways: 30, wearables: 10 });
    const { id } = await createAndStart(prisma, h, { strategy: { wavePercents: [10, 50, 100], soakSeconds: 0 } });
    const a = new RolloutDriver({
      prisma,
      publisher: h.publisher,
      describeVariant: fakeDescribe,
      now: h.clock.now,
      owner: "racer-a",
    });
    const b = new RolloutDriver({
      prisma: second,
      publisher: h.publisher,
      describeVariant: fakeDescribe,
      now: h.clock.now,
      owner: "racer-b",
    });
    for (let round = 0; round < 12; round++) {
      await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      await h.agents.deliver();
      // Leases lapse between rounds, so both drivers get to lead at some point.
      h.clock.advance(16);
    }
    expect((await prisma.rollout.findUniqueOrThrow({ where: { id } })).status).toBe("COMPLETED");
    expect(h.publisher.log).toHaveLength(40);
    expect(new Set(h.publisher.log.map((entry) => entry.deviceId)).size).toBe(40);
    const devices = await prisma.device.findMany({
      where: { id: { in: [...h.fleet.gateways, ...h.fleet.wearables] } },
      select: { desiredRev: true },
    });
    expect(devices.every((d) => d.desiredRev === 1)).toBe(true);
    const actions = (
      await prisma.auditEvent.findMany({ where: { entityId: id }, orderBy: { id: "asc" }, select: { action: true } })
    ).map((e) => e.action);
    expect(actions).toEqual(["rollout.create", "rollout.start", "rollout.wave", "rollout.wave", "rollout.complete"]);
  });

  it("starts only one of two rollouts with overlapping targets started at the same moment", async (ctx) => {
    if (!raceDb || !second) return ctx.skip("PostgreSQL is not available");
    const prisma = raceDb.prisma;
    const h = await setup(prisma, { gateways: 12, wearables: 4 });
    const draft = (client: PrismaClient, name: string) =>
      createRollout({
        prisma: client,
        actor,
        chooseVariant: simpleChooser,
        input: {
          name,
          modelId: h.fleet.modelId,
          target: { kind: "tags", tags: [h.fleet.gateways[0]!.split("-")[0]!] },
          strategy: { wavePercents: [100], soakSeconds: 0 },
        },
      });
    const [one, two] = [await draft(prisma, "race one"), await draft(second, "race two")];
    const results = await Promise.allSettled([
      startRollout({ prisma, actor, chooseVariant: simpleChooser, id: one.id, now: h.clock.now() }),
      startRollout({ prisma: second, actor, chooseVariant: simpleChooser, id: two.id, now: h.clock.now() }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(String(refused.reason)).toMatch(/Devices are in another active rollout/);
    const statuses = await prisma.rollout.findMany({
      where: { id: { in: [one.id, two.id] } },
      select: { status: true },
    });
    expect(statuses.map((r) => r.status).sort()).toEqual(["DRAFT", "RUNNING"]);
    // the refused start left nothing behind: none of its devices was sent anything
    const loser = results[0]!.status === "fulfilled" ? two.id : one.id;
    expect(
      await prisma.rolloutDevice.count({ where: { rolloutId: loser, state: { notIn: ["PENDING", "INCOMPATIBLE"] } } }),
    ).toBe(0);
    expect(new Set(h.publisher.log.map((entry) => entry.deviceId)).size).toBe(h.publisher.log.length);
  });
});
