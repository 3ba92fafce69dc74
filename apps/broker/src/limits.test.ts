// Limits over real sockets: the client that breaks one is disconnected (and counted), a bystander
// on the same broker carries on (issue 3, "Limits").
import { connect as connectTcp } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import type { RunningBroker } from "./server.ts";
import {
  closedOf,
  collectMessages,
  connackCode,
  connectClient,
  endAll,
  mqttUrl,
  observer,
  observerAuthenticator,
  scrapeMetric,
  startTestBroker,
  subscribeGranted,
} from "./testing/broker-harness.ts";

let broker: RunningBroker | undefined;
let clients: MqttClient[] = [];
afterEach(async () => {
  await endAll(...clients);
  clients = [];
  await broker?.close();
  broker = undefined;
});

async function start(env: Record<string, string>): Promise<RunningBroker> {
  broker = await startTestBroker({ MQTT_ALLOW_ANONYMOUS: "true", ...env }, { authenticator: observerAuthenticator });
  return broker;
}

async function client(
  url: string,
  clientId: string,
  options: Parameters<typeof connectClient>[1] = {},
): Promise<MqttClient> {
  const c = await connectClient(url, { clientId, ...options });
  c.on("error", () => {}); // the broker closing an offender is expected
  clients.push(c);
  return c;
}

/** A bystander that proves the broker still routes after the offender is gone. */
async function expectBystanderServed(url: string): Promise<void> {
  const bystander = await client(url, "bystander");
  const inbox = collectMessages(bystander);
  await subscribeGranted(bystander, "lab/ok", 1);
  await bystander.publishAsync("lab/ok", "fine", { qos: 1 });
  await inbox.waitFor("lab/ok");
}

describe("maximum packet size (MQTT_MAX_PACKET_BYTES)", () => {
  it.each(["tcp", "ws"] as const)("over %s: a PUBLISH above it closes the sender only", async (transport) => {
    const b = await start({ MQTT_MAX_PACKET_BYTES: "4096" });
    const url = transport === "tcp" ? mqttUrl(b) : `ws://127.0.0.1:${b.ports.ws}/mqtt`;
    const bystander = await client(mqttUrl(b), "bystander-2");
    const offender = await client(url, "big-sender");
    const closed = closedOf(offender);
    offender.publish("lab/big", Buffer.alloc(10_000), { qos: 0 });
    await closed;
    expect(bystander.connected).toBe(true);
    await expectBystanderServed(mqttUrl(b));
    expect(await scrapeMetric(b, 'fleet_broker_limit_violations_total{limit="packet_size"}')).toBe(1);
  });

  it("a PUBLISH just under it is delivered", async () => {
    const b = await start({ MQTT_MAX_PACKET_BYTES: "4096" });
    const c = await client(mqttUrl(b), "fits");
    const inbox = collectMessages(c);
    await subscribeGranted(c, "lab/fit", 0);
    await c.publishAsync("lab/fit", Buffer.alloc(4000), { qos: 1 });
    await inbox.waitFor("lab/fit");
    expect(inbox.received[0]?.payload.length).toBe(4000);
  });
});

describe("maximum topic levels (MQTT_MAX_TOPIC_LEVELS)", () => {
  it("a PUBLISH with more levels closes the sender", async () => {
    const b = await start({ MQTT_MAX_TOPIC_LEVELS: "4" });
    const offender = await client(mqttUrl(b), "deep-pub");
    const closed = closedOf(offender);
    offender.publish("a/b/c/d/e", "x", { qos: 1 });
    await closed;
    await expectBystanderServed(mqttUrl(b));
    expect(await scrapeMetric(b, 'fleet_broker_limit_violations_total{limit="topic_levels"}')).toBe(1);
  });

  it("a SUBSCRIBE with more levels closes the subscriber", async () => {
    const b = await start({ MQTT_MAX_TOPIC_LEVELS: "4" });
    const offender = await client(mqttUrl(b), "deep-sub");
    const closed = closedOf(offender);
    offender.subscribe("a/b/c/d/#", { qos: 0 });
    await closed;
    await expectBystanderServed(mqttUrl(b));
    expect(await scrapeMetric(b, 'fleet_broker_limit_violations_total{limit="topic_levels"}')).toBe(1);
  });
});

describe("publish rate (MQTT_PUBLISH_RATE)", () => {
  it("a client publishing far above it is disconnected; a service account is exempt", async () => {
    const b = await start({ MQTT_PUBLISH_RATE: "5" });
    const flooder = await client(mqttUrl(b), "flooder");
    const closed = closedOf(flooder);
    for (let i = 0; i < 200; i++) flooder.publish("lab/flood", "x", { qos: 0 });
    await closed;
    expect(await scrapeMetric(b, 'fleet_broker_limit_violations_total{limit="publish_rate"}')).toBe(1);
    expect(await scrapeMetric(b, 'fleet_broker_limit_violations_total{limit="packet_size"}')).toBe(0);

    const service = await observer(mqttUrl(b), "svc-1");
    clients.push(service);
    const inbox = collectMessages(service);
    await subscribeGranted(service, "lab/svc", 0);
    for (let i = 0; i < 49; i++) service.publish("lab/svc", String(i), { qos: 0 });
    await service.publishAsync("lab/svc", "last", { qos: 1 });
    await inbox.waitFor("lab/svc");
    expect(service.connected).toBe(true);
    await expectBystanderServed(mqttUrl(b));
  });
});

describe("connect timeout (MQTT_CONNECT_TIMEOUT_MS)", () => {
  it("a connection that never sends CONNECT is closed", async () => {
    const b = await start({ MQTT_CONNECT_TIMEOUT_MS: "300" });
    const socket = connectTcp(b.ports.mqtt, "127.0.0.1");
    socket.on("error", () => {});
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    await expectBystanderServed(mqttUrl(b));
    expect(await scrapeMetric(b, 'fleet_broker_limit_violations_total{limit="connect_timeout"}')).toBe(1);
  });
});

describe("keepalive bounds (MQTT_KEEPALIVE_MIN / MAX)", () => {
  it("refuses keepalive 0 and one above the maximum with return code 2, admits one inside", async () => {
    const b = await start({ MQTT_KEEPALIVE_MAX: "300" });
    expect(await connackCode(mqttUrl(b), { clientId: "ka-0", keepalive: 0 })).toBe(2);
    expect(await connackCode(mqttUrl(b), { clientId: "ka-big", keepalive: 301 })).toBe(2);
    expect(await connackCode(mqttUrl(b), { clientId: "ka-ok", keepalive: 300 })).toBe(0);
    expect(await scrapeMetric(b, 'fleet_broker_limit_violations_total{limit="keepalive"}')).toBe(2);
  });
});

describe("bounded offline queue (MQTT_OFFLINE_QUEUE_MAX)", () => {
  it("keeps the first N messages for an offline persistent session and counts the rest as dropped", async () => {
    const b = await start({ MQTT_OFFLINE_QUEUE_MAX: "3" });
    const sleeper = await client(mqttUrl(b), "sleeper", { clean: false });
    await subscribeGranted(sleeper, "lab/queued", 1);
    await sleeper.endAsync();

    const publisher = await client(mqttUrl(b), "pub");
    for (let i = 1; i <= 8; i++) await publisher.publishAsync("lab/queued", String(i), { qos: 1 });

    const woken = await client(mqttUrl(b), "sleeper", { clean: false });
    const inbox = collectMessages(woken);
    const until = (done: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => (done() ? resolve() : setTimeout(check, 20));
        check();
      });
    await until(() => inbox.received.length >= 3);
    // A marker published after the replay shows nothing else was queued behind the first three.
    await publisher.publishAsync("lab/queued", "marker", { qos: 1 });
    await until(() => inbox.received.some((m) => m.payload === "marker"));
    expect(inbox.received.map((m) => m.payload)).toEqual(["1", "2", "3", "marker"]);
    expect(await scrapeMetric(b, "fleet_broker_offline_queue_dropped_total")).toBe(5);
  });
});
