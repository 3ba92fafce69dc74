// Rollout benchmark: 1,000 simulated devices (one real `fleet-agent simulate --count N` process) across
// three hardware profiles, a real fleet-broker process ingesting into the database, the console's
// rollout driver as the console runs it (startRollouts: 1 s ticks, MQTT as the `console` service
// account) and the console's artifact route serving real MNIST variants signed by the console.
//   1. forward: waves 10 % → 50 % → 100 %, zero soak: time from start to every device active;
//   2. gate:    a variant whose golden output is wrong, same waves: the agents' self-test fails, the
//               activation gate trips in wave 1, the devices sent so far are rolled back;
//   3. fleet:   the same bad variant in one wave to every device: the gate trips, all N roll back.
// For each: wall time, and per device (revision sent → `active` reported) the median and p99.
// Loopback only, bounded (every wait has a deadline), stops by itself.
//   node --import tsx bench/rollouts/run.ts [--devices 1000] [--db pglite|postgres] [--phases forward,gate,fleet]
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { checkService, createTestDatabase, type TTestDatabase } from "@fleet/db/testing";
import { publishConsoleConfig, type TConsoleConfig } from "../../apps/console/src/config.ts";
import { getSigningKey } from "../../apps/console/src/server/artifacts/keys.ts";
import { provisionDemoFleet } from "../../apps/console/src/server/domain/devices/provision-demo-fleet.ts";
import { createProfile } from "../../apps/console/src/server/domain/profiles/manage-profiles.ts";
import { rematchDevices } from "../../apps/console/src/server/domain/profiles/rematch-devices.ts";
import { chooseRolloutVariant } from "../../apps/console/src/server/domain/rollouts/choose-rollout-variant.ts";
import { createRollout, startRollout } from "../../apps/console/src/server/domain/rollouts/manage-rollouts.ts";
import type { TCreateRolloutInput } from "../../apps/console/src/server/domain/rollouts/rollout.types.ts";
import {
  quantizeMnist,
  startArtifactServer,
  startBroker,
  startSimulator,
  storeModel,
  tamperGoldenOutputs,
  waitUntil,
  type TAgentProcess,
  type TArtifactServer,
  type TBroker,
} from "../../apps/console/src/server/domain/rollouts/testing/rollout-stack.ts";
import { startRollouts } from "../../apps/console/src/server/jobs/start-rollouts.ts";
import { silentLogger } from "../../packages/log/src/index.ts";

const { values } = parseArgs({
  options: {
    devices: { type: "string", default: "1000" },
    db: { type: "string", default: "pglite" },
    phases: { type: "string", default: "forward,gate,fleet" },
    "timeout-s": { type: "string", default: "300" },
    /** Also print, per rollout, the agents' reports per second by state (where the time goes). */
    timeline: { type: "boolean", default: false },
  },
});
const COUNT = Number(values.devices);
const TIMEOUT_MS = Number(values["timeout-s"]) * 1000;
const PHASES = new Set(values.phases.split(",").map((phase) => phase.trim()));
if (!Number.isInteger(COUNT) || COUNT < 3 || COUNT > 5000) throw new Error("--devices must be 3…5000");
if (values.db !== "pglite" && values.db !== "postgres") throw new Error("--db must be pglite or postgres");

const actor = { id: null, label: "bench" };
const log = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

let dir = "";
let db: TTestDatabase | undefined;
let broker: TBroker | undefined;
let artifacts: TArtifactServer | undefined;
let simulator: TAgentProcess | undefined;
let rollouts: { stop: () => Promise<void> } | undefined;

async function cleanup() {
  await rollouts?.stop().catch(() => {});
  await simulator?.stop().catch(() => {});
  await broker?.stop().catch(() => {});
  await artifacts?.close().catch(() => {});
  await db?.close().catch(() => {});
  if (dir) await rm(dir, { recursive: true, force: true }).catch(() => {});
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Per device of the rollout that was sent a revision: ms from its revision going out to its first `active` report of it. */
async function perDeviceMs(rolloutId: string): Promise<number[]> {
  const rows = await db!.prisma.$queryRaw<Array<{ ms: number }>>`
    SELECT GREATEST(0, EXTRACT(EPOCH FROM (min(r.ts) - rd."sentAt")) * 1000)::float8 AS ms
      FROM "RolloutDevice" rd
      JOIN "DeviceReport" r ON r."deviceId" = rd."deviceId" AND r.rev = rd."desiredRev" AND r.state = 'active'
     WHERE rd."rolloutId" = ${rolloutId} AND rd."sentAt" IS NOT NULL
     GROUP BY rd."deviceId", rd."sentAt"`;
  return rows.map((row) => row.ms).sort((a, b) => a - b);
}

/** Reports of the rollout's devices per second since `from`, by rev and state. */
async function printTimeline(rolloutId: string, from: Date) {
  const rows = await db!.prisma.$queryRaw<Array<{ s: number; rev: number; state: string; n: bigint }>>`
    SELECT floor(EXTRACT(EPOCH FROM (r.ts - ${from})))::int AS s, r.rev - d."desiredRev" AS rev, r.state, count(*) AS n
      FROM "DeviceReport" r JOIN "RolloutDevice" rd ON rd."deviceId" = r."deviceId" AND rd."rolloutId" = ${rolloutId}
      JOIN "Device" d ON d.id = r."deviceId"
     WHERE r.ts >= ${from}
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
  const bySecond = new Map<number, string[]>();
  for (const row of rows)
    bySecond.set(row.s, [...(bySecond.get(row.s) ?? []), `rev${row.rev === 0 ? "" : row.rev}:${row.state} ${row.n}`]);
  for (const [second, parts] of bySecond) log(`    t+${second}s  ${parts.join(", ")}`);
}

async function launch(
  modelId: string,
  name: string,
  patch: Partial<TCreateRolloutInput>,
): Promise<{ id: string; startedAt: number }> {
  const created = await createRollout({
    prisma: db!.prisma,
    actor,
    chooseVariant: chooseRolloutVariant,
    input: {
      name,
      modelId,
      target: { kind: "tags", tags: ["demo"] },
      strategy: { wavePercents: [10, 50, 100], soakSeconds: 0 },
      gates: { latencyFactor: 100 },
      ...patch,
    },
  });
  const startedAt = Date.now();
  await startRollout({ prisma: db!.prisma, actor, chooseVariant: chooseRolloutVariant, id: created.id });
  return { id: created.id, startedAt };
}

async function waitForStatus(id: string, statuses: string[]): Promise<string> {
  return waitUntil(
    `rollout ${id} to reach ${statuses.join("/")}`,
    async () => {
      const { status } = await db!.prisma.rollout.findUniqueOrThrow({ where: { id }, select: { status: true } });
      return statuses.includes(status) ? status : undefined;
    },
    {
      timeoutMs: TIMEOUT_MS,
      intervalMs: 100,
      describe: async () =>
        JSON.stringify(
          await db!.prisma.rolloutDevice.groupBy({ by: ["state"], where: { rolloutId: id }, _count: { _all: true } }),
        ),
    },
  );
}

function line(label: string, wallMs: number, devices: number[], extra = "") {
  log(
    `${label.padEnd(34)} ${seconds(wallMs).padStart(8)}   devices ${String(devices.length).padStart(5)}   per device: median ${seconds(quantile(devices, 0.5))}, p99 ${seconds(quantile(devices, 0.99))}, max ${seconds(devices.at(-1) ?? Number.NaN)}${extra}`,
  );
}

async function main() {
  dir = await mkdtemp(path.join(tmpdir(), "fleet-bench-rollouts-"));
  const dataDir = path.join(dir, "console");
  if (values.db === "postgres" && !(await checkService("postgres")).available)
    throw new Error("PostgreSQL is not reachable (FLEET_TEST_POSTGRES_URL); use --db pglite");
  db = await createTestDatabase({ kind: values.db as "pglite" | "postgres" });
  log(
    `rollouts bench: ${COUNT} devices, database ${values.db === "pglite" ? "embedded PGlite (served by this process)" : "PostgreSQL"}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? "?"}), node ${process.version}`,
  );

  // Three variants for three profiles, and the same with a wrong golden output.
  const quantized = path.join(dir, "quantized");
  const report = await quantizeMnist({ outDir: quantized, variants: ["fp16", "int8-channel", "int4-group"] });
  await tamperGoldenOutputs(quantized, report, path.join(dir, "tampered"));
  const good = await storeModel({ prisma: db.prisma, dataDir, name: "mnist", outDir: quantized, report });
  const bad = await storeModel({
    prisma: db.prisma,
    dataDir,
    name: "mnist, wrong golden output",
    outDir: path.join(dir, "tampered"),
    report,
  });
  await createProfile({
    prisma: db.prisma,
    actor,
    input: {
      name: "Gateways arm64",
      priority: 10,
      rules: { classes: ["gateway"], arch: ["arm64"] },
      allowedPrecisions: ["fp16"],
    },
  });
  await createProfile({
    prisma: db.prisma,
    actor,
    input: {
      name: "Gateways x64",
      priority: 20,
      rules: { classes: ["gateway"], arch: ["x64"] },
      allowedPrecisions: ["int8"],
    },
  });
  await createProfile({
    prisma: db.prisma,
    actor,
    input: { name: "Wearables", priority: 30, rules: { classes: ["wearable"] }, allowedPrecisions: ["int4"] },
  });

  const t = Date.now();
  const credentials = await provisionDemoFleet({ prisma: db.prisma, actor, count: COUNT });
  const credentialsFile = path.join(dir, "credentials.json");
  await writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  broker = await startBroker({ databaseUrl: db.url, dir: path.join(dir, "broker") });
  artifacts = await startArtifactServer({ prisma: db.prisma, dataDir });
  const url = new URL(artifacts.url);
  const config: TConsoleConfig = {
    port: Number(url.port),
    host: "127.0.0.1",
    databaseUrl: db.url,
    dataDir,
    mqttUrl: broker.consoleUrl,
    publicUrl: artifacts.url,
    uploadMaxMb: 16,
  };
  publishConsoleConfig(config);
  simulator = await startSimulator({
    brokerUrl: broker.deviceUrl,
    publicKey: (await getSigningKey(dataDir)).publicKeyPath,
    dataDir: path.join(dir, "agents"),
    credentialsFile,
    count: COUNT,
    telemetryInterval: 10,
    inferRate: 0.05,
    readyTimeoutMs: TIMEOUT_MS,
  });
  await waitUntil(
    `${COUNT} devices online`,
    async () => {
      const online = await db!.prisma.device.count({ where: { tags: { has: "demo" }, status: "ONLINE" } });
      return online === COUNT ? true : undefined;
    },
    { timeoutMs: TIMEOUT_MS, intervalMs: 1_000, describe: () => simulator!.output().slice(-2000) },
  );
  await rematchDevices({ prisma: db.prisma });
  const byProfile = await db.prisma.device.groupBy({
    by: ["profileId"],
    where: { tags: { has: "demo" } },
    _count: { _all: true },
  });
  const profileNames = new Map(
    (await db.prisma.hardwareProfile.findMany({ select: { id: true, name: true } })).map((p) => [p.id, p.name]),
  );
  log(
    `setup ${seconds(Date.now() - t)}: provisioned, broker, ${COUNT} agents online; profiles ${byProfile.map((row) => `${profileNames.get(row.profileId ?? "") ?? "none"} ${row._count._all}`).join(", ")}`,
  );

  rollouts = startRollouts({ prisma: db.prisma, config, logger: silentLogger });
  log("");

  if (PHASES.has("forward")) {
    const { id, startedAt } = await launch(good.modelId, "forward", {});
    const status = await waitForStatus(id, ["COMPLETED", "PAUSED", "ROLLING_BACK", "ROLLED_BACK"]);
    const wall = Date.now() - startedAt;
    if (status !== "COMPLETED")
      throw new Error(
        `the forward rollout ended ${status}: ${(await db.prisma.rollout.findUniqueOrThrow({ where: { id } })).reason}`,
      );
    const active = await db.prisma.rolloutDevice.count({ where: { rolloutId: id, state: "ACTIVE" } });
    const variants = await db.prisma.device.groupBy({
      by: ["activeVariantId"],
      where: { tags: { has: "demo" } },
      _count: { _all: true },
    });
    const names = new Map(Object.entries(good.variants).map(([name, variantId]) => [variantId, name]));
    line(
      "forward 10→50→100 %, all active",
      wall,
      await perDeviceMs(id),
      `   (${active} active: ${variants.map((v) => `${names.get(v.activeVariantId ?? "") ?? "other"} ${v._count._all}`).join(", ")})`,
    );
  }

  for (const phase of ["gate", "fleet"] as const) {
    if (!PHASES.has(phase)) continue;
    const waves = phase === "gate" ? [10, 50, 100] : [100];
    const { id } = await launch(bad.modelId, `bad golden (${phase})`, {
      strategy: { wavePercents: waves, soakSeconds: 0 },
      autoRollback: true,
    });
    const status = await waitForStatus(id, ["ROLLED_BACK", "COMPLETED", "PAUSED"]);
    if (status !== "ROLLED_BACK") throw new Error(`the bad rollout ended ${status}`);
    const rollout = await db.prisma.rollout.findUniqueOrThrow({
      where: { id },
      select: { startedAt: true, finishedAt: true },
    });
    const tripped = await db.prisma.auditEvent.findFirstOrThrow({
      where: { entityId: id, action: "rollout.gate_failed" },
      select: { ts: true },
    });
    const rolledBack = await db.prisma.rolloutDevice.count({ where: { rolloutId: id, state: "ROLLED_BACK" } });
    const untouched = await db.prisma.rolloutDevice.count({ where: { rolloutId: id, state: "PENDING" } });
    const wall = rollout.finishedAt!.getTime() - tripped.ts.getTime();
    const label = phase === "gate" ? "gate 10→50→100 %: trip → rolled back" : "one wave 100 %: trip → rolled back";
    line(
      label,
      wall,
      await perDeviceMs(id),
      `   (${rolledBack} rolled back, ${untouched} never sent; trip ${seconds(tripped.ts.getTime() - rollout.startedAt!.getTime())} after start)`,
    );
    if (values.timeline) await printTimeline(id, rollout.startedAt!);
  }
  log("");
  log(
    "per device = from its revision being published (RolloutDevice.sentAt = the desired message's ts) to its `active` report of that revision (agent clock, same host).",
  );
}

const guard = setTimeout(() => {
  process.stderr.write("bench/rollouts: overall deadline passed; stopping\n");
  void cleanup().finally(() => process.exit(1));
}, TIMEOUT_MS * 4);
guard.unref();

main()
  .then(cleanup, async (error: unknown) => {
    process.stderr.write(`bench/rollouts: ${error instanceof Error ? error.message : String(error)}\n`);
    await cleanup();
    process.exitCode = 1;
  })
  .finally(() => {
    clearTimeout(guard);
    // Prisma / pg pools may hold the loop open a moment; the work is done.
    setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref();
  });
