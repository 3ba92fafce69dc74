// The console in a real browser (playwright-core driving Debian's Chromium) against the real
// server and the embedded database: first admin, provisioning, profiles, live telemetry, a viewer
// who cannot mutate. Screenshots of the main pages land in apps/console/test-artifacts/.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDb, verifySecret, type FleetDb } from "@fleet/db";
import { migrate } from "@fleet/db/migrator";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { binEnv, consoleBin, consoleDir, runBin, stopChild, waitForLine } from "../test-support/run-bin.ts";

const CHROMIUM = process.env["FLEET_TEST_CHROMIUM"] ?? "/usr/bin/chromium";
const artifacts = path.join(consoleDir, "test-artifacts");
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env["CI"] === "true") throw new Error(`${CHROMIUM} is missing; CI must install chromium`);

let dataDir: string;
let child: ChildProcess | undefined;
let baseUrl: string;
let db: FleetDb;
let browser: Browser;
let page: Page;

const admin = { name: "Ada Admin", email: "ada@example.com", password: "correct horse battery" };
const viewer = { name: "Vic Viewer", email: "vic@example.com", password: "viewer password 1" };

async function shot(name: string) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  if (!haveChromium) return;
  await mkdir(artifacts, { recursive: true });
  const build = await runBin(["build"], { timeoutMs: 600_000 });
  if (build.code !== 0) throw new Error(`fleet-console build failed:\n${build.stderr}`);
  dataDir = await mkdtemp(path.join(os.tmpdir(), "fleet-console-browser-"));
  const seed = await createDb({ dataDir });
  await migrate({ url: seed.url });
  await seed.close();
  child = spawn(
    process.execPath,
    [consoleBin, "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir, "--mqtt-url", "mqtt://localhost:1883"],
    { cwd: consoleDir, env: binEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
  baseUrl = (await waitForLine(child, /^fleet-console: (http:\/\/127\.0\.0\.1:\d+)$/, 120_000))[1] ?? "";
  // Joins the console's embedded database over its loopback socket, as the broker would.
  db = await createDb({ dataDir });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(20_000);
}, 720_000);

afterAll(async () => {
  await browser?.close();
  await db?.close();
  if (child) await stopChild(child);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe.skipIf(!haveChromium)("console in Chromium", () => {
  it("first start: the setup page creates the first admin and signs them in", async () => {
    await page.goto(`${baseUrl}/`);
    await page.waitForURL(/\/setup$/);
    await page.fill('input[name="name"]', admin.name);
    await page.fill('input[name="email"]', admin.email);
    await page.fill('input[name="password"]', "short");
    await page.click('button[type="submit"]');
    await page.getByText("Use at least 10 characters.").waitFor();
    await shot("01-setup-validation");
    await page.fill('input[name="password"]', admin.password);
    await page.click('button[type="submit"]');
    await page.getByRole("heading", { name: "Fleet overview" }).waitFor();
    expect(await page.getByTestId("whoami").textContent()).toContain("ada@example.com · admin");
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "fleet_session")).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  });

  let secret = "";
  it("provisions a device: the secret and the exact fleet-agent command are shown once", async () => {
    await page.goto(`${baseUrl}/devices/new`);
    await page.fill('input[name="id"]', "Bad/Id");
    await page.getByRole("button", { name: "Create device", exact: true }).click();
    await page.getByText("Use lower-case letters, digits and '-'").waitFor();
    await page.fill('input[name="id"]', "gw-e2e-1");
    await page.fill('input[name="tags"]', "lab e2e");
    await page.getByRole("button", { name: "Create device", exact: true }).click();
    const command = (await page.getByTestId("agent-command").textContent()) ?? "";
    secret = (await page.getByTestId("device-secret").textContent()) ?? "";
    expect(command).toBe(`fleet-agent run --broker mqtt://localhost:1883 --device-id gw-e2e-1 --secret ${secret}`);
    await shot("02-provision-device");
    const row = await db.prisma.device.findUniqueOrThrow({ where: { id: "gw-e2e-1" } });
    expect(await verifySecret(secret, row.credentialHash)).toBe(true);
  });

  it("creates a hardware profile in the form; the device page explains the match", async () => {
    // The agent's birth, as the broker's ingest stores it (the agent itself arrives with its own issue).
    await db.prisma.device.update({
      where: { id: "gw-e2e-1" },
      data: {
        status: "ONLINE",
        agentVersion: "0.1.0",
        lastSeenAt: new Date(),
        hardware: {
          arch: "arm64", cpuModel: "Cortex-A72", cores: 4, ramTotalMb: 3_800, ramFreeMb: 2_100, wasmSimd: true,
          engines: ["tfjs"], backends: ["wasm", "cpu"], nodeVersion: "v20.11.1", class: "gateway",
        },
      },
    });
    await page.goto(`${baseUrl}/profiles`);
    await page.fill('input[name="name"]', "Lab gateways");
    await page.fill('input[name="priority"]', "10");
    await page.fill('input[name="classes"]', "gateway");
    await page.fill('input[name="ramMinMb"]', "4096");
    await page.fill('input[name="ramMaxMb"]', "1024");
    await page.getByRole("button", { name: "Create profile" }).click();
    await page.getByText("Minimum RAM must not exceed maximum RAM.").first().waitFor();
    await page.fill('input[name="ramMinMb"]', "1024");
    await page.fill('input[name="ramMaxMb"]', "");
    await page.getByRole("button", { name: "Create profile" }).click();
    await page.getByTestId("profiles-table").getByText("Lab gateways").waitFor();
    await shot("03-profiles");
  });

  it("the device page charts telemetry and appends new samples live, without a reload", async () => {
    const now = Date.now();
    await db.prisma.telemetrySample.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        deviceId: "gw-e2e-1",
        ts: new Date(now - (120 - i) * 15_000),
        inferences: 40 + (i % 7),
        latencyP50: 8 + Math.sin(i / 8) * 2,
        latencyP95: 15 + Math.sin(i / 8) * 4,
        latencyP99: 25,
        cpuPct: 30 + (i % 10),
        rssMb: 140 + i / 10,
        batteryPct: null,
        errors: 0,
      })),
    });
    await page.goto(`${baseUrl}/devices/gw-e2e-1`);
    await page.getByTestId("profile-match").getByText('Matched "Lab gateways" (priority 10)').waitFor();
    const charts = page.getByTestId("charts");
    await charts.waitFor();
    const before = Number(await charts.getAttribute("data-points"));
    expect(before).toBeGreaterThan(50);
    await db.prisma.telemetrySample.create({
      data: { deviceId: "gw-e2e-1", ts: new Date(), inferences: 99, latencyP50: 9, latencyP95: 30, latencyP99: 40, cpuPct: 55, rssMb: 160, errors: 0 },
    });
    await page.waitForFunction(
      (count) => Number(document.querySelector('[data-testid="charts"]')?.getAttribute("data-points")) > count,
      before,
      { timeout: 15_000 },
    );
    await shot("04-device-page");
  });

  it("the devices table filters by tag and the overview counts the fleet", async () => {
    await page.goto(`${baseUrl}/devices?tag=lab`);
    await page.getByTestId("devices-table").locator('[data-device-id="gw-e2e-1"]').waitFor();
    await shot("05-devices-table");
    await page.goto(`${baseUrl}/`);
    await page.getByTestId("breakdown-profileId").getByText("Lab gateways").waitFor();
    await shot("06-overview");
  });

  it("an admin adds a viewer; the viewer sees no mutation controls and the API refuses them", async () => {
    await page.goto(`${baseUrl}/users`);
    await page.fill('input[name="email"]', viewer.email);
    await page.fill('input[name="name"]', viewer.name);
    await page.fill('input[name="password"]', viewer.password);
    await page.getByRole("button", { name: "Create user" }).click();
    await page.getByRole("cell", { name: viewer.email }).waitFor();
    await shot("07-users");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login$/);

    await page.fill('input[name="email"]', viewer.email);
    await page.fill('input[name="password"]', "wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Wrong email or password.").waitFor();
    await page.fill('input[name="password"]', viewer.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Fleet overview" }).waitFor();

    await page.goto(`${baseUrl}/devices`);
    await page.getByTestId("devices-table").locator('[data-device-id="gw-e2e-1"]').waitFor();
    expect(await page.getByRole("link", { name: "Provision devices" }).count()).toBe(0);
    await page.goto(`${baseUrl}/devices/gw-e2e-1`);
    await page.getByTestId("charts").waitFor();
    expect(await page.getByRole("button", { name: "Rotate secret" }).count()).toBe(0);
    await shot("08-viewer-device-page");

    // Even a hand-made request from the viewer's signed-in browser is refused by the procedure.
    const refused = await page.evaluate(async () => {
      const response = await fetch("/api/trpc/devices.delete", {
        method: "POST",
        headers: { "content-type": "application/json", "x-fleet-csrf": "1" },
        body: JSON.stringify({ json: { id: "gw-e2e-1" } }),
      });
      return { status: response.status, body: await response.text() };
    });
    expect(refused.status).toBe(403);
    expect(refused.body).not.toMatch(/"stack"|\bat \//);
    expect(await db.prisma.device.count({ where: { id: "gw-e2e-1" } })).toBe(1);

    await page.goto(`${baseUrl}/audit`);
    await page.getByTestId("audit-table").getByText("device.create").first().waitFor();
    await shot("09-audit-log");
  });
});
