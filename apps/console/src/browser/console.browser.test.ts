// The console in a real browser (playwright-core driving Debian's Chromium) against the real stack:
// fleet-console, a real fleet-broker process and a real fleet-agent process, all on one embedded
// database. First admin, provisioning, an agent started with the credentials the UI showed coming
// online with live telemetry, profiles, the MNIST reference model uploaded and quantized with its
// variants and report, signed artifact downloads, and a viewer who cannot mutate. Screenshots of the
// main pages land in apps/console/test-artifacts/.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDb, verifySecret, type FleetDb } from "@fleet/db";
import { migrate } from "@fleet/db/migrator";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedVariantUrl } from "../server/artifacts/signed-url.ts";
import { haveChromium, launchChromium } from "../testing/chromium.ts";
import { MNIST_MODEL_FILES, writeMnistValidation } from "../testing/mnist-fixture.ts";
import { binEnv, consoleBin, consoleDir, runBin, stopChild, waitForReady } from "../testing/run-bin.ts";
import { runShownCommand } from "../testing/shown-command.ts";

const repoRoot = path.resolve(consoleDir, "../..");
const brokerBin = path.join(repoRoot, "apps/broker/bin/fleet-broker.mjs");
const agentBin = path.join(repoRoot, "apps/agent/bin/fleet-agent.mjs");

const artifacts = path.join(consoleDir, "test-artifacts");

let dataDir: string;
let child: ChildProcess | undefined;
let broker: ChildProcess | undefined;
let agent: ChildProcess | undefined;
let agentLog = "";
let baseUrl: string;
let brokerUrl: string;
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
  // This process owns the embedded database and serves it on its loopback socket; the broker and
  // the console reach it like any Postgres (the console through the data directory's lock).
  db = await createDb({ dataDir });
  await migrate({ url: db.url });
  broker = spawn(
    process.execPath,
    [
      brokerBin,
      "--database-url",
      db.url,
      "--host",
      "127.0.0.1",
      "--mqtt-port",
      "0",
      "--ws-port",
      "off",
      "--metrics-port",
      "off",
      "--log-level",
      "warn",
    ],
    { cwd: repoRoot, env: binEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
  brokerUrl = (await waitForReady(broker, "fleet-broker", 60_000)).urls.mqtt ?? "";
  child = spawn(
    process.execPath,
    // A 2 MB upload limit: the MNIST model and its validation digits fit (~0.8 MB), 3 MB does not.
    [
      consoleBin,
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--data-dir",
      dataDir,
      "--mqtt-url",
      brokerUrl,
      "--upload-max-mb",
      "2",
    ],
    { cwd: consoleDir, env: binEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
  baseUrl = (await waitForReady(child, "fleet-console", 120_000)).urls.http ?? "";
  ({ browser, page } = await launchChromium());
}, 720_000);

afterAll(async () => {
  await browser?.close();
  if (agent) await stopChild(agent);
  if (child) await stopChild(child);
  if (broker) await stopChild(broker);
  await db?.close();
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
  let command = "";
  let publicKey = "";
  it("settings show the manifest-signing public key agents are given", async () => {
    await page.goto(`${baseUrl}/settings`);
    publicKey = ((await page.getByTestId("public-key-base64").textContent()) ?? "").trim();
    expect(Buffer.from(publicKey, "base64")).toHaveLength(32);
    const served = await (await fetch(`${baseUrl}/api/public-key`)).text();
    expect(served).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    await shot("00-settings-keys");
  });

  it("provisions a device: the secret and the exact command to start fleet-agent are shown once", async () => {
    await page.goto(`${baseUrl}/devices/new`);
    await page.fill('input[name="id"]', "Bad/Id");
    await page.getByRole("button", { name: "Create device", exact: true }).click();
    await page.getByText("Use lower-case letters, digits and '-'").waitFor();
    await page.fill('input[name="id"]', "gw-e2e-1");
    await page.fill('input[name="tags"]', "lab e2e");
    await page.getByRole("button", { name: "Create device", exact: true }).click();
    command = (await page.getByTestId("agent-command").textContent()) ?? "";
    secret = (await page.getByTestId("device-secret").textContent()) ?? "";
    const keyWord = /^[A-Za-z0-9_./:=@-]+$/.test(publicKey) ? publicKey : `'${publicKey}'`;
    // the secret goes to a 0600 file (the shell's printf builtin), never on the agent's command line
    expect(command).toBe(
      `install -m 600 /dev/null fleet-agent.secret && printf '%s\\n' ${secret} > fleet-agent.secret && fleet-agent run --broker ${brokerUrl} --device-id gw-e2e-1 --secret-file fleet-agent.secret --public-key ${keyWord}`,
    );
    await shot("02-provision-device");
    const row = await db.prisma.device.findUniqueOrThrow({ where: { id: "gw-e2e-1" } });
    expect(await verifySecret(secret, row.credentialHash)).toBe(true);
  });

  it("a real fleet-agent started with the shown command comes online through the real broker", async () => {
    const agentDir = path.join(dataDir, "agent");
    await mkdir(agentDir, { recursive: true });
    // the shown command, run by sh in agentDir: it writes the secret file and names the agent's arguments
    const shownArgs = await runShownCommand(command, agentDir);
    expect(shownArgs).not.toContain(secret);
    agent = spawn(
      process.execPath,
      [
        agentBin,
        ...shownArgs,
        "--data-dir",
        agentDir,
        "--telemetry-interval",
        "1",
        "--infer-rate",
        "2",
        "--http-port",
        "0",
        "--log-level",
        "warn",
      ],
      { cwd: agentDir, env: binEnv(), stdio: ["ignore", "ignore", "pipe"] },
    );
    agent.stderr?.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
    await expect
      .poll(async () => (await db.prisma.device.findUniqueOrThrow({ where: { id: "gw-e2e-1" } })).status, {
        timeout: 60_000,
        interval: 500,
      })
      .toBe("ONLINE");
    await expect
      .poll(() => db.prisma.telemetrySample.count({ where: { deviceId: "gw-e2e-1" } }), {
        timeout: 30_000,
        interval: 500,
      })
      .toBeGreaterThan(0);
    const row = await db.prisma.device.findUniqueOrThrow({ where: { id: "gw-e2e-1" } });
    expect(row.hardware).toMatchObject({ class: "gateway", engines: expect.arrayContaining(["tfjs"]) });
    expect(agentLog).not.toMatch(/"level":"error"/);
  });

  it("creates a hardware profile in the form; the device page explains the match", async () => {
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
    // Forbidding every engine is refused before anything is sent.
    await page.uncheck('input[name="engine-tfjs"]');
    await page.uncheck('input[name="engine-onnx"]');
    await page.getByRole("button", { name: "Create profile" }).click();
    await page.getByTestId("profile-choice-errors").getByText("Allow at least one engine", { exact: false }).waitFor();
    await page.check('input[name="engine-tfjs"]');
    await page.check('input[name="engine-onnx"]');
    await page.getByRole("button", { name: "Create profile" }).click();
    await page.getByTestId("profiles-table").getByText("Lab gateways").waitFor();
    await shot("03-profiles");
  });

  it("the device page charts the agent's telemetry and appends new samples live, without a reload", async () => {
    await page.goto(`${baseUrl}/devices/gw-e2e-1`);
    await page.getByTestId("profile-match").getByText('Matched "Lab gateways" (priority 10)').waitFor();
    await page.getByTestId("device-engines").getByText("tfjs", { exact: false }).waitFor();
    const charts = page.getByTestId("charts");
    await charts.waitFor();
    await page.locator('[data-status="ONLINE"]').first().waitFor();
    const before = Number(await charts.getAttribute("data-points"));
    expect(before).toBeGreaterThan(0);
    // The agent reports every second; the chart grows over SSE.
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

  it("refuses a non-model upload with a clear message and stores nothing", async () => {
    await page.goto(`${baseUrl}/models`);
    await page.setInputFiles('input[name="model"]', {
      name: "holiday.png",
      mimeType: "image/png",
      buffer: Buffer.from("89504e470d0a1a0a", "hex"),
    });
    await page.getByRole("button", { name: "Upload and quantize" }).click();
    await page.getByRole("alert").getByText("holiday.png: not a TF.js model.", { exact: false }).waitFor();
    await shot("10-model-upload-refused");
    expect(await db.prisma.model.count()).toBe(0);

    // Oversized and traversal names, sent by hand from the signed-in browser to the upload route.
    const answers = await page.evaluate(async () => {
      const started = await fetch("/api/trpc/models.startUpload", {
        method: "POST",
        headers: { "content-type": "application/json", "x-fleet-csrf": "1" },
        body: "{}",
      });
      const uploadId = ((await started.json()) as { result: { data: { json: { uploadId: string } } } }).result.data.json
        .uploadId;
      const put = async (name: string, bytes: number) => {
        const response = await fetch(`/api/uploads/${uploadId}/model/${name}`, {
          method: "PUT",
          headers: { "x-fleet-csrf": "1" },
          body: new Uint8Array(bytes),
        });
        return { status: response.status, body: await response.text() };
      };
      return {
        big: await put("model.json", 3 * 1024 * 1024),
        traversal: await put("..%2Fowner.json", 10),
        noCsrf: (await fetch(`/api/uploads/${uploadId}/model/a.bin`, { method: "PUT", body: "x" })).status,
      };
    });
    expect(answers.big.status).toBe(413);
    expect(answers.big.body).toContain("larger than the limit of 2 MB (CONSOLE_UPLOAD_MAX_MB); nothing was stored.");
    expect(answers.traversal.status).toBe(400);
    expect(answers.noCsrf).toBe(403);
  });

  let modelId = "";
  it("uploads the MNIST reference model with a progress bar; it is quantized in the background and its variants and report appear", async () => {
    const val = await writeMnistValidation(path.join(dataDir, "mnist-val"), 20);
    await page.goto(`${baseUrl}/models`);
    // The upload can be quicker than a screenshot: record the progress bar as it moves.
    await page.evaluate(() => {
      const w = window as unknown as { maxUploadPercent: number };
      w.maxUploadPercent = -1;
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid="upload-progress"]');
        if (bar) w.maxUploadPercent = Math.max(w.maxUploadPercent, Number(bar.getAttribute("data-percent")));
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.fill('input[name="name"]', "MNIST CNN");
    await page.setInputFiles('input[name="model"]', MNIST_MODEL_FILES);
    await page.setInputFiles('input[name="val"]', [val.x, val.y]);
    await page.getByRole("button", { name: "Upload and quantize" }).click();
    await page.waitForURL(/\/models\/[A-Za-z0-9_-]+$/);
    expect(await page.evaluate(() => (window as unknown as { maxUploadPercent: number }).maxUploadPercent)).toBe(100);
    modelId = new URL(page.url()).pathname.split("/").pop() ?? "";
    await page.locator('[data-testid="model-summary"] [data-status="READY"]').waitFor({ timeout: 180_000 });
    const rows = page.getByTestId("variants-table").locator("tbody tr");
    await expect.poll(() => rows.count()).toBe(9);
    for (const name of [
      "fp32",
      "fp16",
      "uint8-tensor",
      "int8-channel",
      "int4-group",
      "mixed",
      "onnx-fp32",
      "onnx-fp16",
      "onnx-int8",
    ]) {
      await page.getByTestId("variants-table").locator(`[data-variant="${name}"]`).waitFor();
    }
    expect(
      await page.getByTestId("variants-table").locator('[data-variant="onnx-int8"] [data-col="engine"]').textContent(),
    ).toMatch(/^onnx/);
    expect(
      await page
        .getByTestId("variants-table")
        .locator('[data-variant="int8-channel"] [data-col="engine"]')
        .textContent(),
    ).toMatch(/^tfjs/);
    // how much faster each variant runs than TF.js fp32, and which activation calibration onnx-int8 kept
    expect(
      await page.getByTestId("variants-table").locator('[data-variant="fp32"] [data-col="speed"]').textContent(),
    ).toBe("1.0×");
    expect(
      await page.getByTestId("variants-table").locator('[data-variant="onnx-int8"] [data-col="speed"]').textContent(),
    ).toMatch(/^\d+\.\d×$/);
    expect(
      await page
        .getByTestId("variants-table")
        .locator('[data-variant="onnx-int8"] [data-col="calibration"]')
        .textContent(),
    ).toMatch(/^calibrated (minmax|percentile|mse) \(minmax /);
    await page.getByTestId("model-report").getByText("validated on 200 samples", { exact: false }).waitFor();
    expect(
      await page.getByTestId("variants-table").locator('[data-variant="int8-channel"] td').nth(4).textContent(),
    ).toMatch(/^\d+\.\d\d %$/);
    expect(Number(await page.getByTestId("sqnr-weights").getAttribute("data-series"))).toBeGreaterThan(0);
    await page.getByTestId("sqnr-weights").locator("canvas").first().waitFor();
    await page
      .getByTestId("profile-choices")
      .locator('[data-profile="Lab gateways"]')
      .getByText(/^Chose /)
      .waitFor();
    await shot("11-model-variants");
    await page.goto(`${baseUrl}/models`);
    await page.getByTestId("models-table").locator(`[data-model-id="${modelId}"] [data-status="READY"]`).waitFor();
    await shot("12-models");
  });

  it("serves the variant's files through short-lived signed URLs with Range; wrong or expired tokens get 403", async () => {
    const variant = await db.prisma.modelVariant.findFirstOrThrow({ where: { modelId, name: "int8-channel" } });
    const config = { dataDir, publicUrl: null, host: "127.0.0.1", port: Number(new URL(baseUrl).port) };
    const url = await signedVariantUrl(variant.id, 60, { config });
    const manifest = await fetch(url);
    expect(manifest.status).toBe(200);
    const manifestBytes = Buffer.from(await manifest.arrayBuffer());
    expect(createHash("sha256").update(manifestBytes).digest("hex")).toBe(variant.sha256);
    const shard = (
      JSON.parse(manifestBytes.toString("utf8")) as { files: Array<{ path: string; bytes: number }> }
    ).files.find((f) => f.path.endsWith(".bin"));
    if (!shard) throw new Error("the manifest lists no weight shard");
    // As the agent does: the file beside the manifest, with the manifest URL's query string.
    const fileUrl = new URL(shard.path, url);
    fileUrl.search = new URL(url).search;
    const part = await fetch(fileUrl, { headers: { range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${shard.bytes}`);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    expect((await fetch(fileUrl, { headers: { range: `bytes=${shard.bytes}-` } })).status).toBe(416);
    expect((await fetch(`${fileUrl.origin}${fileUrl.pathname}?exp=9999999999&sig=${"A".repeat(43)}`)).status).toBe(403);
    expect((await fetch(await signedVariantUrl(variant.id, 1, { config, now: Date.now() - 10_000 }))).status).toBe(403);
    expect(
      (await fetch(`${baseUrl}/api/artifacts/${variant.id}/..%2F..%2Fkeys%2Furl-hmac.key${fileUrl.search}`)).status,
    ).toBe(404);
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
    await page.goto(`${baseUrl}/models/${modelId}`);
    await page.getByTestId("variants-table").waitFor();
    await page.goto(`${baseUrl}/models`);
    await page.getByTestId("models-table").waitFor();
    expect(await page.getByTestId("model-upload-form").count()).toBe(0);

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
