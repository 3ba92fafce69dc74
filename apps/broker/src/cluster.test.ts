// Cluster mode (REDIS_URL): two broker nodes on one real Redis form one broker. Each run uses its own
// key prefix (deleted afterwards) and its own topics and client ids, because Redis pub/sub channels
// are shared by everything on the server.
import { randomBytes } from "node:crypto";
import { checkService } from "@fleet/db/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningBroker } from "./server.ts";
import {
  collectMessages,
  connectClient,
  mqttUrl,
  observer,
  observerAuthenticator,
  startTestBroker,
  subscribeGranted,
} from "./testing/broker-harness.ts";

const redis = await checkService("redis");
const run = randomBytes(4).toString("hex");
const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `fleet-test:${run}:` };
const topic = (name: string) => `lab/${run}/${name}`;

describe.skipIf(!redis.available)("two broker nodes on one Redis", () => {
  let nodeA: RunningBroker;
  let nodeB: RunningBroker;
  const startNode = () => startTestBroker(env, { authenticator: observerAuthenticator });

  beforeAll(async () => {
    nodeA = await startNode();
    nodeB = await startNode();
  });
  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
    const conn = new Redis(redis.url);
    const keys = await conn.keys(`${env.REDIS_KEY_PREFIX}*`);
    if (keys.length > 0) await conn.del(...keys);
    await conn.quit();
  });

  it("a message published on node A reaches a subscriber on node B", async () => {
    const sub = await observer(mqttUrl(nodeB), `sub-${run}`);
    const inbox = collectMessages(sub);
    await subscribeGranted(sub, topic("live"), 1);
    const pub = await observer(mqttUrl(nodeA), `pub-${run}`);
    await pub.publishAsync(topic("live"), "across", { qos: 1 });
    await inbox.waitFor(topic("live"));
    expect(inbox.received).toEqual([{ topic: topic("live"), payload: "across" }]);
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  it("a message retained on node A is served by node B", async () => {
    const pub = await observer(mqttUrl(nodeA), `rpub-${run}`);
    await pub.publishAsync(topic("ret"), "kept", { qos: 1, retain: true });
    const sub = await observer(mqttUrl(nodeB), `rsub-${run}`);
    const inbox = collectMessages(sub);
    await subscribeGranted(sub, topic("ret"), 1);
    await inbox.waitFor(topic("ret"));
    expect(inbox.received).toEqual([{ topic: topic("ret"), payload: "kept" }]);
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  it("QoS 1 messages queued for a persistent session survive a restart of its node", async () => {
    const persistent = await connectClient(mqttUrl(nodeB), {
      clientId: `sleeper-${run}`,
      username: "observer",
      password: "observer-secret",
      clean: false,
    });
    await subscribeGranted(persistent, topic("queued"), 1);
    await persistent.endAsync();

    await nodeB.close();
    const pub = await observer(mqttUrl(nodeA), `qpub-${run}`);
    await pub.publishAsync(topic("queued"), "while away", { qos: 1 });
    nodeB = await startNode(); // a new process would see exactly this: only Redis remembers

    const back = await connectClient(mqttUrl(nodeB), {
      clientId: `sleeper-${run}`,
      username: "observer",
      password: "observer-secret",
      clean: false,
    });
    const inbox = collectMessages(back);
    await inbox.waitFor(topic("queued"));
    expect(inbox.received).toEqual([{ topic: topic("queued"), payload: "while away" }]);
    await Promise.all([back.endAsync(), pub.endAsync()]);
  });
});
