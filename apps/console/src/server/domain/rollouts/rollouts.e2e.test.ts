// Rollouts end to end: the console's rollout driver as the console runs it (startRollouts: MQTT through
// the broker as the `console` service account, artifact links signed by this console), a real
// fleet-broker process ingesting into the same database, real `fleet-agent simulate` devices and one
// real `fleet-agent run` device, real variants of the MNIST reference model quantized by @fleet/quantize
// and stored + signed by the console's own domain code, downloaded through the console's artifact route.
// Fleet: demo-0001…0006 in one simulator process (2 gateways : 1 wearable by position) and demo-0007,
// a gateway of its own so it can go offline. The scenarios run in order on that one fleet; the last
// moves every device to the onnx engine's full-integer int8 variant.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { RolloutStatus } from "@fleet/db";
import { createTestDatabase, type TTestDatabase } from "@fleet/db/testing";
import type { TReport } from "@fleet/quantize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishConsoleConfig, type TConsoleConfig } from "../../../config.ts";
import { writeMnistValidation } from "../../../testing/mnist-fixture.ts";
import { getSigningKey } from "../../artifacts/keys.ts";
import { startRollouts } from "../../jobs/start-rollouts.ts";
import type { TActor } from "../audit/record-audit.ts";
import { provisionDemoFleet, type TDemoCredential } from "../devices/provision-demo-fleet.ts";
import { createProfile, getProfile, updateProfile } from "../profiles/manage-profiles.ts";
import { ZProfileRules } from "../profiles/profile.types.ts";
import { rematchDevices } from "../profiles/rematch-devices.ts";
import { chooseRolloutVariant } from "./choose-rollout-variant.ts";
import { createRollout, startRollout } from "./manage-rollouts.ts";
import type { TCreateRolloutInput } from "./rollout.types.ts";
import { captureLogger } from "@fleet/log/testing";
import {
  quantizeMnist,
  startAgent,
  startArtifactServer,
  startBroker,
  startSimulator,
  storeModel,
  tamperGoldenOutputs,
  waitUntil,
  type TAgentProcess,
  type TArtifactServer,
  type TBroker,
} from "./testing/rollout-stack.ts";

const actor: TActor = { id: null, label: "e2e" };
const SIMULATED = 6;
const SOLO = "demo-0007";

let dir: string;
let db: TTestDatabase;
let broker: TBroker | undefined;
let artifacts: TArtifactServer | undefined;
let simulator: TAgentProcess | undefined;
let solo: TAgentProcess | undefined;
let rollouts: { stop: () => Promise<void> } | undefined;
let config: TConsoleConfig;
let publicKeyPath: string;
let soloCredential: TDemoCredential;
const driverLog = captureLogger({ level: "info" });

type TModel = { modelId: string; variants: Record<string, string> };
const models: Record<"v1" | "v2" | "bad" | "v3" | "onnx", TModel> = {} as never;
const gateways: string[] = [];
const wearables: string[] = [];

function startEngine() {
  return startRollouts({ prisma: db.prisma, config, logger: driverLog.logger });
}

function soloAgent(): TAgentProcess {
  return startAgent({
    brokerUrl: broker!.deviceUrl,
    publicKey: publicKeyPath,
    dataDir: path.join(dir, "solo-agent"),
    deviceId: SOLO,
    secret: soloCredential.secret,
    deviceClass: "gateway",
  });
}

async function launch(model: TModel, name: string, patch: Partial<TCreateRolloutInput> = {}): Promise<string> {
  const created = await createRollout({
    prisma: db.prisma,
    actor,
    chooseVariant: chooseRolloutVariant,
    input: {
      name,
      modelId: model.modelId,
      target: { kind: "tags", tags: ["demo"] },
      strategy: { wavePercents: [50, 100], soakSeconds: 0 },
      // Latency on two shared cores is noise; the latency gate has its own unit tests.
      gates: { latencyFactor: 100 },
      ...patch,
    },
  });
  await startRollout({ prisma: db.prisma, actor, chooseVariant: chooseRolloutVariant, id: created.id });
  return created.id;
}

async function describeRollout(id: string): Promise<string> {
  const rollout = await db.prisma.rollout.findUnique({
    where: { id },
    select: { status: true, currentWave: true, reason: true },
  });
  const rows = await db.prisma.rolloutDevice.findMany({
    where: { rolloutId: id },
    select: { deviceId: true, wave: true, state: true, error: true },
    orderBy: { deviceId: "asc" },
  });
  return `${JSON.stringify(rollout)} ${JSON.stringify(rows)}\ndriver: ${driverLog.entries
    .slice(-10)
    .map((entry) => JSON.stringify(entry))
    .join(
      "\n",
    )}\nagents: ${simulator?.output().slice(-3000)}\nsolo: ${solo?.output().slice(-1500)}\nbroker: ${broker?.output().slice(-1500)}`;
}

function waitForStatus(id: string, statuses: RolloutStatus[], timeoutMs = 120_000): Promise<RolloutStatus> {
  return waitUntil(
    `rollout ${id} to reach ${statuses.join("/")}`,
    async () => {
      const { status } = await db.prisma.rollout.findUniqueOrThrow({ where: { id }, select: { status: true } });
      return statuses.includes(status) ? status : undefined;
    },
    { timeoutMs, intervalMs: 250, describe: () => describeRollout(id) },
  );
}

async function devicesById() {
  const rows = await db.prisma.device.findMany({
    where: { tags: { has: "demo" } },
    select: {
      id: true,
      activeVariantId: true,
      prevVariantId: true,
      desiredRev: true,
      reportedRev: true,
      profileId: true,
      status: true,
    },
  });
  return new Map(rows.map((row) => [row.id, row]));
}

async function stateCounts(id: string): Promise<Record<string, number>> {
  const rows = await db.prisma.rolloutDevice.groupBy({
    by: ["state"],
    where: { rolloutId: id },
    _count: { _all: true },
  });
  return Object.fromEntries(rows.map((row) => [row.state, row._count._all]));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "fleet-rollouts-e2e-"));
  const dataDir = path.join(dir, "console");
  db = await createTestDatabase({ kind: "pglite" });

  // Variants: fp16 for gateways, int4-group for wearables; "bad" is the same with tampered golden outputs.
  const quantized = path.join(dir, "quantized");
  const report: TReport = await quantizeMnist({
    outDir: quantized,
    variants: ["fp16", "int4-group"],
    valDir: path.dirname((await writeMnistValidation(path.join(dir, "val"), 5)).x),
  });
  const tampered = path.join(dir, "tampered");
  await tamperGoldenOutputs(quantized, report, tampered);
  models.v1 = await storeModel({ prisma: db.prisma, dataDir, name: "mnist v1", outDir: quantized, report });
  models.v2 = await storeModel({ prisma: db.prisma, dataDir, name: "mnist v2", outDir: quantized, report });
  models.bad = await storeModel({ prisma: db.prisma, dataDir, name: "mnist bad golden", outDir: tampered, report });
  models.v3 = await storeModel({ prisma: db.prisma, dataDir, name: "mnist v3", outDir: quantized, report });
  // For (e): the TF.js int8 variant beside the onnx engine's full-integer one, both calibrated on the digits.
  const quantizedOnnx = path.join(dir, "quantized-onnx");
  const onnxReport = await quantizeMnist({
    outDir: quantizedOnnx,
    variants: ["int8-channel", "onnx-int8"],
    valDir: path.join(dir, "val"),
  });
  models.onnx = await storeModel({
    prisma: db.prisma,
    dataDir,
    name: "mnist onnx",
    outDir: quantizedOnnx,
    report: onnxReport,
  });
  publicKeyPath = (await getSigningKey(dataDir)).publicKeyPath;

  await createProfile({
    prisma: db.prisma,
    actor,
    input: { name: "Gateways", priority: 10, rules: { classes: ["gateway"] }, allowedPrecisions: ["fp32", "fp16"] },
  });
  await createProfile({
    prisma: db.prisma,
    actor,
    input: {
      name: "Wearables",
      priority: 20,
      rules: { classes: ["wearable"] },
      allowedPrecisions: ["int8", "int4"],
      maxModelBytes: 40_000,
    },
  });

  const credentials = await provisionDemoFleet({ prisma: db.prisma, actor, count: SIMULATED + 1 });
  soloCredential = credentials[SIMULATED]!;
  const credentialsFile = path.join(dir, "credentials.json");
  await writeFile(credentialsFile, JSON.stringify(credentials.slice(0, SIMULATED)), { mode: 0o600 });
  credentials.forEach((credential, index) =>
    (index % 3 === 2 && index < SIMULATED ? wearables : gateways).push(credential.deviceId),
  );

  broker = await startBroker({ databaseUrl: db.url, dir: path.join(dir, "broker") });
  artifacts = await startArtifactServer({ prisma: db.prisma, dataDir });
  const url = new URL(artifacts.url);
  config = {
    port: Number(url.port),
    host: "127.0.0.1",
    databaseUrl: db.url,
    dataDir,
    mqttUrl: broker.consoleUrl,
    publicUrl: artifacts.url,
    uploadMaxMb: 16,
  };
  // As main.ts does: the signed URLs the driver mints name this console.
  publishConsoleConfig(config);

  simulator = await startSimulator({
    brokerUrl: broker.deviceUrl,
    publicKey: publicKeyPath,
    dataDir: path.join(dir, "agents"),
    credentialsFile,
    count: SIMULATED,
  });
  solo = soloAgent();
  await waitUntil(
    "every device online with its hardware",
    async () => {
      const rows = await db.prisma.device.findMany({
        where: { tags: { has: "demo" } },
        select: { status: true, hardware: true },
      });
      return rows.length === SIMULATED + 1 && rows.every((row) => row.status === "ONLINE" && row.hardware !== null)
        ? true
        : undefined;
    },
    { timeoutMs: 120_000, describe: async () => `${simulator?.output()}\n${solo?.output()}\n${broker?.output()}` },
  );
  // The console's re-match loop does this every minute.
  await rematchDevices({ prisma: db.prisma });
  rollouts = startEngine();
}, 300_000);

afterAll(async () => {
  await rollouts?.stop();
  await solo?.stop();
  await simulator?.stop();
  await broker?.stop();
  await artifacts?.close();
  publishConsoleConfig({
    port: 3000,
    host: "127.0.0.1",
    databaseUrl: null,
    dataDir: dir ?? os.tmpdir(),
    mqttUrl: null,
    publicUrl: null,
    uploadMaxMb: 16,
  });
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 120_000);

describe("rollouts with the real broker, database and agents", () => {
  it("(a) a mixed fleet: gateways and wearables end on the variants their profiles choose", async () => {
    const profiles = new Map(
      (await db.prisma.hardwareProfile.findMany({ select: { id: true, name: true } })).map((p) => [p.name, p.id]),
    );
    const before = await devicesById();
    for (const id of gateways) expect(before.get(id)?.profileId).toBe(profiles.get("Gateways"));
    for (const id of wearables) expect(before.get(id)?.profileId).toBe(profiles.get("Wearables"));

    const id = await launch(models.v1, "v1 everywhere");
    expect(await waitForStatus(id, ["COMPLETED", "PAUSED", "ROLLING_BACK", "ROLLED_BACK"])).toBe("COMPLETED");

    expect(await stateCounts(id)).toEqual({ ACTIVE: SIMULATED + 1 });
    const rows = await db.prisma.rolloutDevice.findMany({
      where: { rolloutId: id },
      select: { deviceId: true, variantId: true, reason: true },
    });
    const after = await devicesById();
    for (const gw of gateways) {
      expect(after.get(gw)).toMatchObject({
        activeVariantId: models.v1.variants["fp16"],
        desiredRev: 1,
        reportedRev: 1,
      });
      expect(rows.find((row) => row.deviceId === gw)?.reason).toMatch(/^Chose fp16 /);
    }
    for (const wr of wearables) {
      expect(after.get(wr)).toMatchObject({
        activeVariantId: models.v1.variants["int4-group"],
        desiredRev: 1,
        reportedRev: 1,
      });
      expect(rows.find((row) => row.deviceId === wr)?.reason).toMatch(/^Chose int4-group /);
    }
    // The agents themselves said so on `reported`, through the broker's ingest.
    for (const device of [...gateways, ...wearables]) {
      const last = await db.prisma.deviceReport.findFirst({
        where: { deviceId: device, rev: 1 },
        orderBy: [{ ts: "desc" }, { id: "desc" }],
        select: { state: true, variantId: true },
      });
      expect(last).toEqual({ state: "active", variantId: after.get(device)?.activeVariantId });
    }
    // And they run it: telemetry on the new variant arrives.
    await waitUntil("telemetry on v1 from every device", async () => {
      const samples = await db.prisma.telemetrySample.groupBy({
        by: ["deviceId"],
        where: { variantId: { in: Object.values(models.v1.variants) } },
        _count: { _all: true },
      });
      return samples.length === SIMULATED + 1 ? true : undefined;
    });
    // Every file came through the console's signed artifact route.
    expect(artifacts!.statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(artifacts!.statuses.get(403) ?? 0).toBe(0);
  }, 180_000);

  it("(c) a console restart mid-rollout: a new driver instance resumes at the wave it was in", async () => {
    const before = await devicesById();
    const id = await launch(models.v2, "v2 with a restart", {
      strategy: { wavePercents: [34, 67, 100], soakSeconds: 3 },
    });
    // Let the first console take the rollout into wave 2, then stop it as a shutdown does.
    await waitUntil(
      "wave 2",
      async () => ((await db.prisma.rollout.findUniqueOrThrow({ where: { id } })).currentWave >= 2 ? true : undefined),
      { timeoutMs: 120_000, describe: () => describeRollout(id) },
    );
    await rollouts!.stop();
    rollouts = undefined;
    const stopped = await db.prisma.rollout.findUniqueOrThrow({
      where: { id },
      select: { status: true, currentWave: true, leaseOwner: true },
    });
    expect(stopped).toEqual({ status: "RUNNING", currentWave: 2, leaseOwner: null });

    // Nobody advances it while no console runs, whatever the agents report meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(
      await db.prisma.rollout.findUniqueOrThrow({ where: { id }, select: { status: true, currentWave: true } }),
    ).toEqual({ status: "RUNNING", currentWave: 2 });
    const pendingWhileStopped = await db.prisma.rolloutDevice.count({ where: { rolloutId: id, state: "PENDING" } });
    expect(pendingWhileStopped).toBeGreaterThan(0);

    rollouts = startEngine();
    expect(await waitForStatus(id, ["COMPLETED", "PAUSED", "ROLLING_BACK", "ROLLED_BACK"])).toBe("COMPLETED");
    expect(await stateCounts(id)).toEqual({ ACTIVE: SIMULATED + 1 });
    const after = await devicesById();
    for (const [device, row] of after) {
      // Exactly one new revision per device: nothing was re-issued or sent twice by the new driver.
      expect(row.desiredRev).toBe(before.get(device)!.desiredRev + 1);
      expect(row.reportedRev).toBe(row.desiredRev);
      expect(row.activeVariantId).toBe(models.v2.variants[wearables.includes(device) ? "int4-group" : "fp16"]);
      expect(row.prevVariantId).toBe(models.v1.variants[wearables.includes(device) ? "int4-group" : "fp16"]);
    }
    const actions = (
      await db.prisma.auditEvent.findMany({ where: { entityId: id }, orderBy: { id: "asc" }, select: { action: true } })
    ).map((event) => event.action);
    expect(actions).toEqual(["rollout.create", "rollout.start", "rollout.wave", "rollout.wave", "rollout.complete"]);
  }, 240_000);

  it("(b) a variant whose golden output is wrong fails the agents' self-test, trips the gate and every device is rolled back", async () => {
    const before = await devicesById();
    const id = await launch(models.bad, "bad golden output", {
      strategy: { wavePercents: [100], soakSeconds: 0 },
      autoRollback: true,
    });
    expect(await waitForStatus(id, ["ROLLED_BACK", "COMPLETED", "PAUSED"])).toBe("ROLLED_BACK");

    const rollout = await db.prisma.rollout.findUniqueOrThrow({ where: { id }, select: { reason: true } });
    expect(rollout.reason).toMatch(/^Wave 1: Activation gate failed: .* Rolling back\.$/);
    expect(await stateCounts(id)).toEqual({ ROLLED_BACK: SIMULATED + 1 });
    const rows = await db.prisma.rolloutDevice.findMany({
      where: { rolloutId: id },
      select: { deviceId: true, error: true, previousVariantId: true, desiredRev: true },
    });
    expect(rows.some((row) => row.error?.startsWith("self_test_failed"))).toBe(true);

    const after = await devicesById();
    for (const row of rows) {
      const device = after.get(row.deviceId)!;
      const previous = before.get(row.deviceId)!.activeVariantId;
      expect(row.previousVariantId).toBe(previous);
      // The bad revision, then the rollback revision naming the previous variant.
      expect(device.desiredRev).toBe(before.get(row.deviceId)!.desiredRev + 2);
      expect(device.activeVariantId).toBe(previous);
      const last = await db.prisma.deviceReport.findFirst({
        where: { deviceId: row.deviceId, rev: device.desiredRev },
        orderBy: [{ ts: "desc" }, { id: "desc" }],
        select: { state: true, variantId: true },
      });
      expect(last).toEqual({ state: "active", variantId: previous });
    }
    // No agent ever ran the bad variant.
    expect(
      await db.prisma.telemetrySample.count({ where: { variantId: { in: Object.values(models.bad.variants) } } }),
    ).toBe(0);
    const actions = (
      await db.prisma.auditEvent.findMany({ where: { entityId: id }, orderBy: { id: "asc" }, select: { action: true } })
    ).map((event) => event.action);
    expect(actions).toEqual(["rollout.create", "rollout.start", "rollout.gate_failed", "rollout.rolled_back"]);
  }, 180_000);

  it("(d) an offline device gets its retained revision when it returns and is counted when it reports", async () => {
    await solo!.stop();
    await waitUntil(`${SOLO} offline`, async () =>
      (await db.prisma.device.findUniqueOrThrow({ where: { id: SOLO } })).status === "OFFLINE" ? true : undefined,
    );
    const before = await devicesById();
    const id = await launch(models.v3, "v3 with a device offline", {
      strategy: { wavePercents: [100], soakSeconds: 0 },
      gates: { latencyFactor: 100, minReportedPct: 100 },
    });

    // Everyone else activates; the rollout waits for the missing report.
    await waitUntil(
      "the online devices active",
      async () => ((await stateCounts(id))["ACTIVE"] === SIMULATED ? true : undefined),
      { timeoutMs: 120_000, describe: () => describeRollout(id) },
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await db.prisma.rollout.findUniqueOrThrow({ where: { id }, select: { status: true } })).toEqual({
      status: "RUNNING",
    });
    const waiting = await db.prisma.rolloutDevice.findUniqueOrThrow({
      where: { rolloutId_deviceId: { rolloutId: id, deviceId: SOLO } },
    });
    expect(waiting.state).toBe("SENT");
    expect(waiting.sentAt).not.toBeNull();

    // Back online: the broker hands it the retained `desired`; it activates and is counted.
    solo = soloAgent();
    expect(await waitForStatus(id, ["COMPLETED", "PAUSED", "ROLLING_BACK", "ROLLED_BACK"])).toBe("COMPLETED");
    expect(await stateCounts(id)).toEqual({ ACTIVE: SIMULATED + 1 });
    const device = (await devicesById()).get(SOLO)!;
    expect(device).toMatchObject({
      activeVariantId: models.v3.variants["fp16"],
      prevVariantId: models.v2.variants["fp16"],
      desiredRev: before.get(SOLO)!.desiredRev + 1,
    });
    expect(device.reportedRev).toBe(device.desiredRev);
    const reports = await db.prisma.deviceReport.findMany({
      where: { deviceId: SOLO, rev: device.desiredRev },
      orderBy: [{ ts: "asc" }, { id: "asc" }],
      select: { state: true },
    });
    expect(reports.at(-1)?.state).toBe("active");
    expect(reports.map((report) => report.state)).toContain("downloading");
  }, 240_000);

  it("(e) the onnx engine: devices that run ONNX Runtime get the full-integer onnx-int8 variant when their profile prefers onnx", async () => {
    // Every agent (the simulator's devices and the bundled `fleet-agent run` bin) reports the engines that load.
    for (const row of await db.prisma.device.findMany({
      where: { tags: { has: "demo" } },
      select: { id: true, hardware: true },
    })) {
      expect((row.hardware as { engines?: string[] }).engines, row.id).toEqual(["tfjs", "onnx"]);
    }
    for (const profile of await db.prisma.hardwareProfile.findMany({ select: { id: true } })) {
      const { name, priority, rules, maxModelBytes, allowedPrecisions } = await getProfile(db.prisma, profile.id);
      const input = {
        name,
        priority,
        rules: ZProfileRules.parse(rules),
        maxModelBytes,
        allowedPrecisions: [...new Set([...allowedPrecisions, "int8" as const])],
        preferredEngine: "onnx" as const,
      };
      await updateProfile({ prisma: db.prisma, actor, id: profile.id, input });
    }
    const id = await launch(models.onnx, "onnx int8 everywhere", { strategy: { wavePercents: [100], soakSeconds: 0 } });
    expect(await waitForStatus(id, ["COMPLETED", "PAUSED", "ROLLING_BACK", "ROLLED_BACK"])).toBe("COMPLETED");
    expect(await stateCounts(id)).toEqual({ ACTIVE: SIMULATED + 1 });

    const rows = await db.prisma.rolloutDevice.findMany({
      where: { rolloutId: id },
      select: { deviceId: true, reason: true },
    });
    const after = await devicesById();
    for (const device of [...gateways, ...wearables]) {
      expect(after.get(device)?.activeVariantId, device).toBe(models.onnx.variants["onnx-int8"]);
      expect(rows.find((row) => row.deviceId === device)?.reason).toMatch(
        /^Chose onnx-int8 \(int8, onnx, .*onnx is the preferred engine/,
      );
    }
    // Running it: telemetry on the onnx-int8 variant from every device, without inference errors.
    const variantId = models.onnx.variants["onnx-int8"]!;
    await waitUntil("telemetry on onnx-int8 from every device", async () => {
      const samples = await db.prisma.telemetrySample.groupBy({
        by: ["deviceId"],
        where: { variantId, inferences: { gt: 0 } },
        _sum: { errors: true },
      });
      return samples.length === SIMULATED + 1 && samples.every((sample) => sample._sum?.errors === 0)
        ? true
        : undefined;
    });
  }, 240_000);
});
