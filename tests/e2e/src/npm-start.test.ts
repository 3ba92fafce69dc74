import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import mqtt from "mqtt";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, waitForOutput, type TStack } from "./stack-process.ts";

// Plain ANSI-free text of the launcher's output.
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");

describe("npm start on the embedded default", () => {
  let dataDir: string;
  let stack: TStack;
  let consoleUrl: string;
  let mqttPort: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "fleet-npm-start-"));
    stack = startStack({
      FLEET_DATA_DIR: dataDir,
      MQTT_PORT: "0",
      MQTT_WS_PORT: "0",
      METRICS_PORT: "0",
      CONSOLE_PORT: "0",
      CONSOLE_HOST: "127.0.0.1",
      FLEET_DEMO_DEVICES: "3",
    });
    await waitForOutput(stack, /the stack is running/, 280_000);
    const text = plain(stack.output());
    consoleUrl = /console\s+(http:\/\/\S+)/.exec(text)?.[1] ?? "";
    mqttPort = Number(/broker\s+mqtt:\/\/[^:\s]+:(\d+)/.exec(text)?.[1]);
  });

  afterAll(async () => {
    if (stack && stack.child.exitCode === null) {
      stack.child.kill("SIGKILL");
      await stack.exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("says what runs where: database, broker and console", () => {
    const text = plain(stack.output());
    expect(text).toMatch(/database\s+embedded PGlite in .*fleet-npm-start-.*\/db/);
    expect(consoleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mqttPort).toBeGreaterThan(0);
  });

  it("migrated the embedded database in the data dir", async () => {
    expect(plain(stack.output())).toMatch(/applied \d{14}_init/);
    const page = await (await fetch(`${consoleUrl}/status`)).text();
    expect(page).toContain('data-component="database" data-status="reachable"');
  });

  it("serves the console, which sees the broker the launcher started", async () => {
    const health = await fetch(`${consoleUrl}/api/healthz`);
    expect(health.status).toBe(200);
    const page = await (await fetch(`${consoleUrl}/status`)).text();
    expect(page).toContain(`mqtt://127.0.0.1:${mqttPort}`);
  });

  it("runs the Fleet broker: an MQTT client without credentials is refused (CONNACK 5)", async () => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, {
      clientId: "probe-1",
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    });
    const code = await new Promise<number | undefined>((resolve) => {
      client.on("error", (error) => resolve((error as Error & { code?: number }).code));
      client.on("connect", () => resolve(0));
    });
    client.end(true);
    expect(code).toBe(5);
  });

  it("runs a demo fleet whose simulated devices come online through the broker", async () => {
    expect(plain(stack.output())).toMatch(/demo\s+3 simulated devices/);
    const dbUrl = /(postgresql:\/\/\S+)/.exec(plain(stack.output()))?.[1] ?? "";
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    try {
      const deadline = Date.now() + 60_000;
      let online = 0;
      while (online < 3 && Date.now() < deadline) {
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "Device" WHERE id LIKE 'demo-%' AND status = 'ONLINE'`,
        );
        online = rows[0]?.n ?? 0;
        if (online < 3) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(online).toBe(3);
    } finally {
      await client.end();
    }
  });

  it("stops everything on Ctrl+C and releases the embedded database", async () => {
    stack.child.kill("SIGINT");
    expect(await stack.exited).toBe(0);
    expect(existsSync(path.join(dataDir, "db.lock"))).toBe(false);
  });
});

describe("npm start with a port already taken", () => {
  it("stops with a line naming the setting to change", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "0.0.0.0", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "fleet-npm-start-"));
    try {
      const stack = startStack({
        FLEET_DATA_DIR: dataDir,
        MQTT_PORT: String(port),
        MQTT_WS_PORT: "0",
        METRICS_PORT: "0",
        CONSOLE_PORT: "0",
      });
      const code = await stack.exited;
      expect(code).toBe(1);
      expect(plain(stack.output())).toContain(`MQTT_PORT ${port} is already in use; set MQTT_PORT`);
      expect(existsSync(path.join(dataDir, "db.lock"))).toBe(false);
    } finally {
      blocker.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
