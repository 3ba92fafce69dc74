// Rollouts in a real browser (playwright-core driving Debian's Chromium) against fleet-console, a real
// fleet-broker (the driver publishes `desired` through it as the console's service account) and one
// embedded database. Seeded: the MNIST reference model quantized into real, stored and signed
// variants (fp16, int4-group), three hardware profiles and a mixed fleet (gateways, wearables, a
// sensor no variant fits, a device no profile matches). An operator previews and starts a rollout;
// the devices are simulated at the database level exactly as the broker's ingest writes real agents'
// reports (DeviceReport rows for the sent revision, telemetry samples), and the progress page follows
// them live; the history lists the rollout. A viewer sees no create/start controls and is refused by
// the API. Screenshots land in apps/console/test-artifacts/ (20-…, 21-…, 22-…).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDb, type FleetDb } from "@fleet/db";
import { migrate } from "@fleet/db/migrator";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../server/domain/operators/manage-users.ts";
import { createProfile } from "../server/domain/profiles/manage-profiles.ts";
import {
  quantizeMnist,
  startBroker,
  storeModel,
  type TBroker,
} from "../server/domain/rollouts/testing/rollout-stack.ts";
import { writeMnistValidation } from "../testing/mnist-fixture.ts";
import { haveChromium, launchChromium } from "../testing/chromium.ts";
import { binEnv, consoleBin, consoleDir, runBin, stopChild, waitForReady } from "../testing/run-bin.ts";

const artifacts = path.join(consoleDir, "test-artifacts");

let dir: string;
let dataDir: string;
let child: ChildProcess | undefined;
let broker: TBroker | undefined;
let consoleLog = "";
let baseUrl: string;
let db: FleetDb;
let browser: Browser;
let page: Page;

const actor = { id: null, label: "browser-test seed" };
const operator = { name: "Olga Operator", email: "olga@example.com", password: "operator password 1" };
const viewer = { name: "Vic Viewer", email: "vic@example.com", password: "viewer password 1" };
const GATEWAYS = ["gw-01", "gw-02", "gw-03", "gw-04"];
const WEARABLES = ["wr-01", "wr-02"];
const SENSOR = "sensor-01";
const ORPHAN = "odd-01";

async function shot(name: string) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

async function signIn(who: { email: string; password: string }) {
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name="email"]', who.email);
  await page.fill('input[name="password"]', who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Fleet overview" }).waitFor();
}

async function signOut() {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login$/);
}

/**
 * One step of the simulated agents: every device whose revision was sent reports `state` for it, as
 * the broker's ingest writes a `reported` message (variantId = the target), plus a telemetry sample
 * on that variant once active. Returns how many devices reported.
 */
async function report(
  rolloutId: string,
  state: "downloading" | "active",
  onlyState: "SENT" | "DOWNLOADING",
): Promise<number> {
  const rows = await db.prisma.rolloutDevice.findMany({
    where: { rolloutId, state: onlyState, desiredRev: { not: null } },
    select: { deviceId: true, desiredRev: true, variantId: true },
  });
  if (rows.length === 0) return 0;
  const ts = new Date();
  await db.prisma.deviceReport.createMany({
    data: rows.map((row) => ({
      deviceId: row.deviceId,
      ts,
      rev: row.desiredRev!,
      state,
      variantId: row.variantId,
      error: null,
    })),
  });
  if (state === "active") {
    await db.prisma.telemetrySample.createMany({
      data: rows.map((row) => ({
        deviceId: row.deviceId,
        ts: new Date(ts.getTime() + 10),
        inferences: 100,
        latencyP50: 4,
        latencyP95: 8,
        latencyP99: 12,
        cpuPct: 10,
        rssMb: 50,
        errors: 0,
        variantId: row.variantId,
      })),
    });
  }
  return rows.length;
}

beforeAll(async () => {
  if (!haveChromium) return;
  await mkdir(artifacts, { recursive: true });
  const build = await runBin(["build"], { timeoutMs: 600_000 });
  if (build.code !== 0) throw new Error(`fleet-console build failed:\n${build.stderr}`);
  dir = await mkdtemp(path.join(os.tmpdir(), "fleet-rollouts-browser-"));
  dataDir = path.join(dir, "console");
  db = await createDb({ dataDir });
  await migrate({ url: db.url });
  broker = await startBroker({ databaseUrl: db.url, dir: path.join(dir, "broker") });
  child = spawn(
    process.execPath,
    [consoleBin, "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir, "--mqtt-url", broker.consoleUrl],
    {
      cwd: consoleDir,
      env: binEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.on("data", (chunk: Buffer) => (consoleLog = (consoleLog + chunk.toString()).slice(-10_000)));
  child.stderr?.on("data", (chunk: Buffer) => (consoleLog = (consoleLog + chunk.toString()).slice(-10_000)));
  baseUrl = (await waitForReady(child, "fleet-console", 120_000)).urls.http ?? "";

  // Real variants, stored and signed by the console's own code in the console's data directory.
  const val = await writeMnistValidation(path.join(dir, "val"), 5);
  const quantized = path.join(dir, "quantized");
  const quantReport = await quantizeMnist({
    outDir: quantized,
    variants: ["fp16", "int4-group"],
    valDir: path.dirname(val.x),
  });
  await storeModel({ prisma: db.prisma, dataDir, name: "MNIST CNN", outDir: quantized, report: quantReport });

  const gateways = await createProfile({
    prisma: db.prisma,
    actor,
    input: { name: "Gateways", priority: 10, rules: { classes: ["gateway"] }, allowedPrecisions: ["fp32", "fp16"] },
  });
  const wearables = await createProfile({
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
  const sensors = await createProfile({
    prisma: db.prisma,
    actor,
    input: {
      name: "Tiny sensors",
      priority: 30,
      rules: { classes: ["wearable"] },
      allowedPrecisions: ["int8"],
      maxModelBytes: 1_000,
    },
  });
  const device = (id: string, deviceClass: "GATEWAY" | "WEARABLE" | null, profileId: string | null) => ({
    id,
    name: id,
    credentialHash: "x",
    ...(deviceClass ? { deviceClass } : {}),
    profileId,
    tags: ["lab"],
    status: "ONLINE" as const,
    ...(profileId === null ? { profileReason: "No profile matched: arch riscv64." } : {}),
  });
  await db.prisma.device.createMany({
    data: [
      ...GATEWAYS.map((id) => device(id, "GATEWAY", gateways.profile.id)),
      ...WEARABLES.map((id) => device(id, "WEARABLE", wearables.profile.id)),
      device(SENSOR, "WEARABLE", sensors.profile.id),
      device(ORPHAN, null, null),
    ],
  });
  await createUser({ prisma: db.prisma, actor, input: { ...operator, role: "OPERATOR" } });
  await createUser({ prisma: db.prisma, actor, input: { ...viewer, role: "VIEWER" } });

  ({ browser, page } = await launchChromium());
}, 720_000);

afterAll(async () => {
  await browser?.close();
  if (child) await stopChild(child);
  await broker?.stop();
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe.skipIf(!haveChromium)("rollouts in Chromium", () => {
  let rolloutId = "";

  it("an operator previews a rollout: devices per variant, waves, and the incompatible devices with reasons", async () => {
    // The users were seeded (domain createUser), so the console is past its first-start setup.
    await signIn(operator);

    await page.goto(`${baseUrl}/rollouts`);
    await page.getByTestId("rollouts-table").getByText("No rollout yet.").waitFor();
    await page.getByRole("link", { name: "New rollout" }).click();
    await page.waitForURL(/\/rollouts\/new$/);
    const form = page.getByTestId("rollout-form");
    // Each field's label names its control alone (the label points at it by id).
    const field = (label: string) => form.getByLabel(label, { exact: true });
    await field("Model").locator("option", { hasText: "MNIST CNN" }).waitFor({ state: "attached" });
    await field("Name").fill("MNIST to the lab");
    await field("Model").selectOption({ label: "MNIST CNN (2 variants)" });
    await field("Target").selectOption("tags");
    await field("Tags").fill("lab");
    await field("Waves (cumulative %)").fill("50, 100");
    await field("Soak per wave (s)").fill("0");
    // Latency on two shared cores is noise; the latency gate has its own unit tests.
    await field("p95 latency ≤ × before").fill("100");
    await page.getByRole("button", { name: "Preview" }).click();

    const preview = page.getByTestId("rollout-preview");
    await preview.getByText("6 of 8 devices get a variant").waitFor();
    const variants = preview.getByTestId("preview-variants");
    expect(await variants.locator('[data-variant="fp16"] [data-col="devices"]').textContent()).toBe("4");
    expect(await variants.locator('[data-variant="fp16"] [data-col="profiles"]').textContent()).toContain("Gateways");
    expect(await variants.locator('[data-variant="int4-group"] [data-col="devices"]').textContent()).toBe("2");
    expect(await variants.locator('[data-variant="int4-group"] [data-col="profiles"]').textContent()).toContain(
      "Wearables",
    );
    const incompatible = preview.getByTestId("preview-incompatible");
    expect(await incompatible.locator(`[data-device-id="${ORPHAN}"]`).textContent()).toContain(
      "No profile matched: arch riscv64.",
    );
    expect(await incompatible.locator(`[data-device-id="${SENSOR}"]`).textContent()).toMatch(/Tiny sensors/);
    await preview.getByTestId("preview-waves").getByText("wave 1 (50 %)", { exact: false }).waitFor();
    await shot("20-rollout-new-preview");
  });

  it("creates a draft, starts it, and the progress page follows the devices live, wave by wave", async () => {
    await page.getByRole("button", { name: "Create draft" }).click();
    await page.waitForURL(/\/rollouts\/(?!new)[A-Za-z0-9_-]+$/);
    rolloutId = new URL(page.url()).pathname.split("/").pop() ?? "";
    await page.getByTestId("rollout-status").getByText("draft").waitFor();
    await page.getByRole("button", { name: "Start" }).click();
    await page.getByTestId("rollout-status").getByText("running").waitFor();

    // Wave 1 (half of the compatible devices) is sent through the broker; the agents start downloading.
    const waves = page.getByTestId("rollout-waves");
    await expect
      .poll(() => db.prisma.rolloutDevice.count({ where: { rolloutId, state: "SENT", sentAt: { not: null } } }), {
        timeout: 30_000,
        interval: 250,
      })
      .toBeGreaterThan(0);
    expect(await report(rolloutId, "downloading", "SENT")).toBe(3);
    await waves.locator('[data-wave="1"] [data-state="DOWNLOADING"]').getByText("3").waitFor();
    await waves.locator('[data-wave="1"] [data-testid="wave-bar"] [data-state="DOWNLOADING"]').waitFor();
    await page.getByTestId("rollout-devices").locator('[data-state="DOWNLOADING"]').first().waitFor();

    // They activate; the gates pass (zero soak), wave 2 is sent, those devices activate too.
    expect(await report(rolloutId, "active", "DOWNLOADING")).toBe(3);
    await waves.locator('[data-wave="1"] [data-state="ACTIVE"]').getByText("3").waitFor();
    await expect
      .poll(
        () => db.prisma.rolloutDevice.count({ where: { rolloutId, wave: 2, state: "SENT", sentAt: { not: null } } }),
        { timeout: 30_000, interval: 250 },
      )
      .toBe(3);
    await waves.locator('[data-wave="2"] [data-state="SENT"]').getByText("3").waitFor();
    expect(await report(rolloutId, "active", "SENT")).toBe(3);
    await page.getByTestId("rollout-status").getByText("completed").waitFor({ timeout: 60_000 });
    await waves.locator('[data-wave="2"] [data-state="ACTIVE"]').getByText("3").waitFor();
    await waves.locator('[data-wave="0"]').getByText("2 devices never sent anything").waitFor();
    await page.getByTestId("rollout-chart").locator("canvas").first().waitFor();
    const devices = page.getByTestId("rollout-devices");
    await expect.poll(() => devices.locator('tbody [data-state="ACTIVE"]').count(), { timeout: 15_000 }).toBe(6);
    expect(await devices.locator('[data-device-id="wr-01"]').textContent()).toContain("int4-group");
    expect(await devices.locator('[data-device-id="gw-01"]').textContent()).toContain("fp16");
    expect(await devices.locator(`[data-device-id="${ORPHAN}"]`).textContent()).toContain("incompatible");
    await shot("21-rollout-progress");

    const rows = await db.prisma.device.findMany({
      where: { id: { in: [...GATEWAYS, ...WEARABLES] } },
      select: { activeVariantId: true },
    });
    expect(rows.every((row) => row.activeVariantId !== null)).toBe(true);
  });

  it("the history lists the rollout with its counts", async () => {
    await page.getByRole("link", { name: "Rollouts", exact: true }).first().click();
    await page.waitForURL(/\/rollouts$/);
    const row = page.getByTestId("rollouts-table").locator(`[data-rollout-id="${rolloutId}"]`);
    await row.getByText("MNIST to the lab").waitFor();
    expect(await row.locator('[data-col="status"]').textContent()).toBe("completed");
    expect(await row.locator('[data-col="active"]').textContent()).toBe("6");
    expect(await row.locator('[data-col="incompatible"]').textContent()).toBe("2");
    expect(await row.locator('[data-col="by"]').textContent()).toBe(operator.email);
    await shot("22-rollout-history");
  });

  it("a viewer sees the rollouts but no create/start controls, and a hand-made mutation gets 403", async () => {
    await signOut();
    await signIn(viewer);
    await page.goto(`${baseUrl}/rollouts`);
    await page.getByTestId("rollouts-table").locator(`[data-rollout-id="${rolloutId}"]`).waitFor();
    expect(await page.getByRole("link", { name: "New rollout" }).count()).toBe(0);
    await page.goto(`${baseUrl}/rollouts/new`);
    await page.getByText("Only operators and admins can create rollouts.").waitFor();
    expect(await page.getByTestId("rollout-form").count()).toBe(0);
    await page.goto(`${baseUrl}/rollouts/${rolloutId}`);
    await page.getByTestId("rollout-waves").waitFor();
    for (const name of ["Start", "Pause", "Roll back", "Abort"])
      expect(await page.getByRole("button", { name }).count()).toBe(0);

    const modelId = (await db.prisma.rollout.findUniqueOrThrow({ where: { id: rolloutId }, select: { modelId: true } }))
      .modelId;
    const refused = await page.evaluate(async (model) => {
      const call = async (procedure: string, json: unknown) => {
        const response = await fetch(`/api/trpc/rollouts.${procedure}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-fleet-csrf": "1" },
          body: JSON.stringify({ json }),
        });
        return { status: response.status, body: await response.text() };
      };
      return {
        create: await call("create", { name: "sneaky", modelId: model, target: { kind: "all" } }),
        rollback: await call("rollback", { id: location.pathname.split("/").pop() ?? "" }),
      };
    }, modelId);
    expect(refused.create.status).toBe(403);
    expect(refused.rollback.status).toBe(403);
    expect(refused.create.body).not.toMatch(/"stack"|\bat \//);
    expect(await db.prisma.rollout.count()).toBe(1);
    expect((await db.prisma.rollout.findUniqueOrThrow({ where: { id: rolloutId } })).status).toBe("COMPLETED");
  });
});
