// Cluster mode as operators run it: two `fleet-broker` processes (the real bin) on one real Redis,
// each on its own ephemeral port, sharing one database and one service-accounts file. Redis keys are
// under a prefix of this run (deleted afterwards); Redis pub/sub channels are the MQTT topics and are
// NOT prefixed, so every topic and client id here carries the run id: concurrent runs on the same
// Redis (other test files, other engineers' runs, a real cluster) cannot see each other's messages.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hashSecret } from "@fleet/db";
import { checkService, createTestDatabase, type TTestDatabase } from "@fleet/db/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROKER_SETTINGS } from "./settings.ts";
import { collectMessages, connectClient, subscribeGranted } from "./testing/broker-harness.ts";

const BIN = fileURLToPath(new URL("../bin/fleet-broker.mjs", import.meta.url));
const FAST = { N: 1024, r: 8, p: 1 };
const redis = await checkService("redis");
const run = randomBytes(4).toString("hex");
const prefix = `fleet-test:${run}:`;
const topic = (name: string) => `lab/${run}/${name}`;
const clientId = (name: string) => `${name}-${run}`;
const credentials = { username: "operator", password: "operator-secret" };

interface Node {
  readonly url: string;
  /** SIGTERM, then the exit code once the process is gone. */
  stop(): Promise<number | null>;
}

describe.skipIf(!redis.available)("two fleet-broker processes on one Redis", () => {
  const dir = mkdtempSync(join(tmpdir(), "fleet-broker-cluster-"));
  const accountsFile = join(dir, "service-accounts.json");
  const children = new Set<ChildProcess>();
  let db: TTestDatabase;
  let nodeA: Node;
  let nodeB: Node;

  /** Starts the bin and resolves with its MQTT URL once it printed its readiness line. */
  function startNode(name: string): Promise<Node> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const spec of BROKER_SETTINGS) delete env[spec.env]; // nothing of the runner's own settings leaks in
    Object.assign(env, {
      MQTT_HOST: "127.0.0.1",
      MQTT_PORT: "0",
      MQTT_WS_PORT: "off",
      METRICS_PORT: "off",
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: prefix,
      MQTT_SERVICE_ACCOUNTS: accountsFile,
      FLEET_DATA_DIR: join(dir, name),
      INGEST_ENABLED: "false",
      LOG_LEVEL: "warn",
    });
    const child = spawn(process.execPath, [BIN], { env, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    exited.then(() => children.delete(child));
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const port = /mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1];
        if (port === undefined) return;
        resolve({
          url: `mqtt://127.0.0.1:${port}`,
          stop: () => {
            child.kill("SIGTERM");
            return exited;
          },
        });
      });
      void exited.then((code) => reject(new Error(`node ${name} exited (${code}) before listening: ${stderr.trim()}`)));
    });
  }

  const operator = (node: Node, name: string, options: { clean?: boolean } = {}) =>
    connectClient(node.url, { clientId: clientId(name), ...credentials, ...options });

  beforeAll(async () => {
    db = await createTestDatabase({ kind: "pglite" }); // both nodes reach it over its loopback socket
    const account = {
      username: credentials.username,
      secretHash: await hashSecret(credentials.password, FAST),
      publish: [`lab/${run}/#`],
      subscribe: [`lab/${run}/#`],
    };
    writeFileSync(accountsFile, JSON.stringify({ accounts: [account] }));
    [nodeA, nodeB] = await Promise.all([startNode("a"), startNode("b")]);
  }, 60_000);

  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL"); // only ones a failed test left running
    await db?.close();
    const conn = new Redis(redis.url);
    const keys = await conn.keys(`${prefix}*`);
    if (keys.length > 0) await conn.del(...keys);
    await conn.quit();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("a message published on node A reaches a subscriber on node B", async () => {
    const sub = await operator(nodeB, "sub");
    const inbox = collectMessages(sub);
    expect(await subscribeGranted(sub, topic("live"), 1)).toEqual([1]);
    const pub = await operator(nodeA, "pub");
    await pub.publishAsync(topic("live"), "across", { qos: 1 });
    await inbox.waitFor(topic("live"));
    expect(inbox.received).toEqual([{ topic: topic("live"), payload: "across" }]);
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  it("a message retained on node A is served by node B to a later subscriber", async () => {
    const pub = await operator(nodeA, "rpub");
    await pub.publishAsync(topic("retained"), "kept", { qos: 1, retain: true });
    await pub.endAsync();
    const sub = await operator(nodeB, "rsub");
    const inbox = collectMessages(sub);
    await subscribeGranted(sub, topic("retained"), 1);
    await inbox.waitFor(topic("retained"));
    expect(inbox.received).toEqual([{ topic: topic("retained"), payload: "kept" }]);
    await sub.endAsync();
  });

  it("QoS 1 messages queued for a persistent session survive a restart of its node's process", async () => {
    const sleeper = await operator(nodeB, "sleeper", { clean: false });
    await subscribeGranted(sleeper, topic("queued"), 1);
    await sleeper.endAsync();
    expect(await nodeB.stop()).toBe(0);

    const pub = await operator(nodeA, "qpub");
    await pub.publishAsync(topic("queued"), "while away", { qos: 1 });
    await pub.endAsync();
    nodeB = await startNode("b2"); // a fresh process: only Redis remembers the session

    const back = await connectClient(nodeB.url, { clientId: clientId("sleeper"), ...credentials, clean: false });
    const inbox = collectMessages(back);
    await inbox.waitFor(topic("queued"));
    expect(inbox.received).toEqual([{ topic: topic("queued"), payload: "while away" }]);
    await back.endAsync();
  }, 60_000);

  it("both processes stop cleanly on SIGTERM", async () => {
    expect(await Promise.all([nodeA.stop(), nodeB.stop()])).toEqual([0, 0]);
  }, 30_000);
});
