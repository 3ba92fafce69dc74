// End to end: build the console with `next build`, start bin/fleet-console.mjs on a free port
// against the embedded PGlite default, and talk to it over real HTTP.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDb } from "@fleet/db";
import { migrate, readMigrations } from "@fleet/db/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { binEnv, consoleBin, consoleDir, runBin, stopChild, waitForReady } from "./testing/run-bin.ts";

let dataDir: string;
let child: ChildProcess | undefined;
let baseUrl: string;

beforeAll(async () => {
  const build = await runBin(["build"], { timeoutMs: 290_000 });
  if (build.code !== 0) throw new Error(`fleet-console build failed:\n${build.stdout}\n${build.stderr}`);

  // A migrated embedded database in a data dir of its own, as `npm start` leaves it.
  dataDir = await mkdtemp(path.join(os.tmpdir(), "fleet-console-e2e-"));
  const seed = await createDb({ dataDir });
  await migrate({ url: seed.url });
  await seed.close();

  child = spawn(process.execPath, [consoleBin, "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir], {
    cwd: consoleDir,
    env: binEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const ready = await waitForReady(child, "fleet-console", 120_000);
  baseUrl = ready.urls.http ?? "";
}, 300_000);

afterAll(async () => {
  if (child) await stopChild(child);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 30_000);

describe("fleet-console over HTTP", () => {
  it("GET /api/healthz answers 200 {status: ok}", async () => {
    const response = await fetch(`${baseUrl}/api/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("GET / on a console without users sends the browser to the first-admin setup page", async () => {
    const response = await fetch(`${baseUrl}/`, { redirect: "manual" });
    expect([303, 307, 308]).toContain(response.status);
    expect(response.headers.get("location")).toMatch(/\/setup$/);
  });

  it("GET /status shows the stack status with the database reachable and migrated", async () => {
    const migrations = await readMigrations();
    const response = await fetch(`${baseUrl}/status`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Fleet console");
    expect(html).toContain('data-component="database" data-status="reachable"');
    expect(html).toContain("Embedded PGlite");
    expect(html).toContain(`Migrations applied</span><span>${migrations.length}</span>`);
    expect(html).toContain('data-component="broker" data-status="not-configured"');
  });

  it("refuses a protected procedure without a session over HTTP", async () => {
    const response = await fetch(`${baseUrl}/api/trpc/session.me`);
    expect(response.status).toBe(401);
  });

  it("refuses a cross-site mutation: no custom header, or a foreign Origin", async () => {
    const body = JSON.stringify({ json: { email: "x@example.com", password: "whatever123" } });
    const bare = await fetch(`${baseUrl}/api/trpc/auth.login`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
    });
    expect(bare.status).toBe(403);
    const foreign = await fetch(`${baseUrl}/api/trpc/auth.login`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "x-fleet-csrf": "1", origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    const own = await fetch(`${baseUrl}/api/trpc/auth.login`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "x-fleet-csrf": "1", origin: baseUrl },
    });
    expect(own.status).toBe(401);
    const text = await own.text();
    expect(text).toContain("Wrong email or password.");
    expect(text).not.toMatch(/"stack"|\bat \//);
  });

  it("stops cleanly on SIGTERM", async () => {
    const running = child;
    child = undefined;
    expect(running).toBeDefined();
    expect(await stopChild(running as ChildProcess)).toBe(0);
  });
});
