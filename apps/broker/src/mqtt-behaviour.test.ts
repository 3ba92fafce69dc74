// MQTT 3.1.1 behaviour clients rely on, over real sockets against the real broker (anonymous dev
// mode, topics outside fleet/v1). Each test names the spec clauses it proves.
import { connect as connectTcp } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connect, type MqttClient } from "mqtt";
import type { RunningBroker } from "./server.ts";
import {
  closedOf,
  collectMessages,
  connackCode,
  connectClient,
  endAll,
  mqttUrl,
  startTestBroker,
  subscribeGranted,
} from "./testing/broker-harness.ts";

let broker: RunningBroker;
let clients: MqttClient[] = [];
beforeEach(async () => {
  broker = await startTestBroker({ MQTT_ALLOW_ANONYMOUS: "true" });
});
afterEach(async () => {
  await endAll(...clients);
  clients = [];
  await broker.close();
});

async function client(clientId: string, options: Parameters<typeof connectClient>[1] = {}): Promise<MqttClient> {
  const c = await connectClient(mqttUrl(broker), { clientId, ...options });
  c.on("error", () => {});
  clients.push(c);
  return c;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("retained messages", () => {
  it("are set, replaced and cleared by an empty payload [MQTT-3.3.1-5] [MQTT-3.3.1-10] [MQTT-3.3.1-11]", async () => {
    const pub = await client("ret-pub");
    await pub.publishAsync("lab/ret", "one", { qos: 1, retain: true });
    await pub.publishAsync("lab/ret", "two", { qos: 1, retain: true }); // replaces "one"

    const late = await client("ret-sub-1");
    const inbox = collectMessages(late);
    await subscribeGranted(late, "lab/ret", 1);
    await inbox.waitFor("lab/ret");
    expect(inbox.received.map((m) => m.payload)).toEqual(["two"]);

    await pub.publishAsync("lab/ret", "", { qos: 1, retain: true }); // clears it
    await pub.publishAsync("lab/marker", "m", { qos: 1, retain: true });
    const later = await client("ret-sub-2");
    const inbox2 = collectMessages(later);
    await subscribeGranted(later, ["lab/ret", "lab/marker"], 1);
    await inbox2.waitFor("lab/marker");
    expect(inbox2.topics()).toEqual(["lab/marker"]);
  });

  it("a retained message is sent with the RETAIN flag to a new subscriber only [MQTT-3.3.1-8] [MQTT-3.3.1-9]", async () => {
    const sub = await client("ret-flag-sub");
    const flags: boolean[] = [];
    sub.on("message", (_t, _p, packet) => flags.push(packet.retain));
    await subscribeGranted(sub, "lab/flag", 1);
    const pub = await client("ret-flag-pub");
    await pub.publishAsync("lab/flag", "live", { qos: 1, retain: true });
    await until(() => flags.length === 1);
    const fresh = await client("ret-flag-new");
    const freshFlags: boolean[] = [];
    fresh.on("message", (_t, _p, packet) => freshFlags.push(packet.retain));
    await subscribeGranted(fresh, "lab/flag", 1);
    await until(() => freshFlags.length === 1);
    expect(flags).toEqual([false]);
    expect(freshFlags).toEqual([true]);
  });
});

describe("client identifiers", () => {
  it("a zero-length client id with a clean session gets one assigned [MQTT-3.1.3-6]", async () => {
    expect(await connackCode(mqttUrl(broker), { clientId: "", clean: true })).toBe(0);
  });

  it("a zero-length client id without clean session is refused with CONNACK 2, then closed [MQTT-3.1.3-8]", async () => {
    // MQTT.js will not send this CONNECT, so it is written by hand: MQTT 3.1.1, flags 0, keepalive 60, id "".
    const connectPacket = Buffer.from([
      0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x00, 0x00, 0x3c, 0x00, 0x00,
    ]);
    const socket = connectTcp(broker.ports.mqtt, "127.0.0.1", () => socket.write(connectPacket));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => {});
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    expect([...Buffer.concat(chunks)]).toEqual([0x20, 0x02, 0x00, 0x02]);
  });

  it("a second connection with the same client id takes over; the first is closed [MQTT-3.1.4-2]", async () => {
    const first = await client("twin");
    const closed = closedOf(first);
    await client("twin");
    await closed;
  });
});

describe("persistent sessions", () => {
  it("queue QoS 1 messages while offline and deliver them on reconnect, session present [MQTT-3.1.2-4] [MQTT-3.1.2-5]", async () => {
    const sleeper = await client("sleeper", { clean: false });
    await subscribeGranted(sleeper, "lab/q", 1);
    await sleeper.endAsync();
    const pub = await client("q-pub");
    for (const n of ["a", "b", "c"]) await pub.publishAsync("lab/q", n, { qos: 1 });
    await pub.publishAsync("lab/q", "qos0-dropped", { qos: 0 }); // QoS 0 may be dropped for offline sessions

    let sessionPresent: boolean | undefined;
    const woken = await connectClient(mqttUrl(broker), { clientId: "sleeper", clean: false });
    clients.push(woken);
    const inbox = collectMessages(woken);
    const dups: boolean[] = [];
    woken.on("message", (_topic, _payload, packet) => dups.push(packet.dup));
    woken.once("connect", (packet) => (sessionPresent = packet.sessionPresent));
    await until(() => inbox.received.length >= 3);
    expect(inbox.received.slice(0, 3).map((m) => m.payload)).toEqual(["a", "b", "c"]);
    expect(dups.slice(0, 3)).toEqual([false, false, false]); // never sent before: no DUP [MQTT-3.3.1-1]
    expect(sessionPresent ?? true).toBe(true);
  });

  it("a clean session discards the previous session's subscriptions [MQTT-3.1.2-6]", async () => {
    const s = await client("cleaner", { clean: false });
    await subscribeGranted(s, "lab/clean", 1);
    await s.endAsync();
    const fresh = await client("cleaner", { clean: true });
    const inbox = collectMessages(fresh);
    const pub = await client("clean-pub");
    await pub.publishAsync("lab/clean", "x", { qos: 1 });
    await subscribeGranted(fresh, "lab/marker2", 1);
    await pub.publishAsync("lab/marker2", "m", { qos: 1 });
    await inbox.waitFor("lab/marker2");
    expect(inbox.topics()).toEqual(["lab/marker2"]);
  });
});

describe("overlapping subscriptions", () => {
  type Got = { topic: string; payload: string; qos: number };
  /** Each message's topic, payload and the QoS it arrived with. */
  function qosInbox(c: MqttClient): Got[] {
    const got: Got[] = [];
    c.on("message", (topic, payload, packet) => got.push({ topic, payload: payload.toString(), qos: packet.qos }));
    return got;
  }
  /** By payload: MQTT orders messages per QoS only, and QoS 2 ones reach the app after PUBREL. */
  const sorted = (got: Got[]): Got[] =>
    [...got].sort((a, b) => (a.payload < b.payload ? -1 : a.payload > b.payload ? 1 : 0));
  /**
   * Waits for every payload, then for one more QoS 2 message ("~fin", sorts last) published after
   * them: a second copy of any of them would have been written before it on the same connection.
   */
  async function settle(got: Got[], payloads: string[], publishFin: () => Promise<unknown>): Promise<void> {
    await until(() => payloads.every((p) => got.some((m) => m.payload === p)));
    await publishFin();
    await until(() => got.some((m) => m.payload === "~fin"));
  }

  it("deliver a message once, at the highest QoS granted among the matching filters [MQTT-3.3.5-1] [MQTT-3.8.4-6]", async () => {
    const sub = await client("overlap");
    const got = qosInbox(sub);
    expect(await subscribeGranted(sub, "lab/o/#", 0)).toEqual([0]);
    expect(await subscribeGranted(sub, "lab/o/x", 1)).toEqual([1]); // exact filter above the wildcard
    expect(await subscribeGranted(sub, "lab/p/x", 0)).toEqual([0]);
    expect(await subscribeGranted(sub, "lab/p/+", 1)).toEqual([1]); // wildcard above the exact filter
    expect(await subscribeGranted(sub, "lab/r/+", 1)).toEqual([1]);
    expect(await subscribeGranted(sub, "lab/r/#", 2)).toEqual([2]);
    await subscribeGranted(sub, "lab/fin", 2);
    const pub = await client("overlap-pub");
    await pub.publishAsync("lab/o/x", "o-x", { qos: 1 });
    await pub.publishAsync("lab/o/y", "o-y", { qos: 1 }); // only lab/o/# (QoS 0) matches
    await pub.publishAsync("lab/p/x", "p-x", { qos: 1 });
    await pub.publishAsync("lab/p/y", "p-y", { qos: 2 }); // only lab/p/+ (QoS 1): downgraded to 1
    await pub.publishAsync("lab/r/x", "r-x", { qos: 2 });
    await pub.publishAsync("lab/r/x", "r-x-1", { qos: 1 }); // never above the published QoS
    await settle(got, ["o-x", "o-y", "p-x", "p-y", "r-x", "r-x-1"], () =>
      pub.publishAsync("lab/fin", "~fin", { qos: 2 }),
    );
    expect(sorted(got)).toEqual([
      { topic: "lab/o/x", payload: "o-x", qos: 1 },
      { topic: "lab/o/y", payload: "o-y", qos: 0 },
      { topic: "lab/p/x", payload: "p-x", qos: 1 },
      { topic: "lab/p/y", payload: "p-y", qos: 1 },
      { topic: "lab/r/x", payload: "r-x", qos: 2 },
      { topic: "lab/r/x", payload: "r-x-1", qos: 1 },
      { topic: "lab/fin", payload: "~fin", qos: 2 },
    ]);
  });

  it("an unsubscribed filter no longer raises the QoS [MQTT-3.3.5-1] [MQTT-3.10.4-2]", async () => {
    const sub = await client("overlap-unsub");
    const got = qosInbox(sub);
    await subscribeGranted(sub, "lab/u/#", 0);
    await subscribeGranted(sub, "lab/u/x", 2);
    await sub.unsubscribeAsync("lab/u/x");
    const pub = await client("overlap-unsub-pub");
    await pub.publishAsync("lab/u/x", "after", { qos: 2 });
    await subscribeGranted(sub, "lab/fin", 2);
    await settle(got, ["after"], () => pub.publishAsync("lab/fin", "~fin", { qos: 2 }));
    expect(sorted(got)).toEqual([
      { topic: "lab/u/x", payload: "after", qos: 0 },
      { topic: "lab/fin", payload: "~fin", qos: 2 },
    ]);
  });

  it("a persistent session queues one copy at the highest matching QoS while offline [MQTT-3.3.5-1] [MQTT-3.1.2-5]", async () => {
    const sleeper = await client("overlap-sleeper", { clean: false });
    await subscribeGranted(sleeper, "lab/oq/#", 1);
    await subscribeGranted(sleeper, "lab/oq/x", 2);
    await subscribeGranted(sleeper, "lab/oq/+", 0);
    await sleeper.endAsync();
    const pub = await client("overlap-q-pub");
    await pub.publishAsync("lab/oq/x", "x", { qos: 2 }); // # at 1, x at 2, + at 0: once at 2
    await pub.publishAsync("lab/oq/y", "y", { qos: 2 }); // # at 1, + at 0: once at 1

    // Listening before CONNACK: the queue may arrive in the same read.
    const woken = connect(mqttUrl(broker), {
      clientId: "overlap-sleeper",
      clean: false,
      reconnectPeriod: 0,
      protocolVersion: 4,
    });
    clients.push(woken);
    woken.on("error", () => {});
    const got = qosInbox(woken);
    await until(() => got.length > 0);
    await pub.publishAsync("lab/oq/z", "live", { qos: 2 }); // and live again, once at 1
    await settle(got, ["x", "y", "live"], () => pub.publishAsync("lab/oq/x", "~fin", { qos: 2 }));
    expect(sorted(got)).toEqual([
      { topic: "lab/oq/z", payload: "live", qos: 1 },
      { topic: "lab/oq/x", payload: "x", qos: 2 },
      { topic: "lab/oq/y", payload: "y", qos: 1 },
      { topic: "lab/oq/x", payload: "~fin", qos: 2 },
    ]);
  });
});

describe("keepalive and Last Will", () => {
  it("a client silent for 1.5 × keepalive is disconnected and its Will is published [MQTT-3.1.2-24] [MQTT-3.1.2-8]", async () => {
    const watcher = await client("will-watch");
    const inbox = collectMessages(watcher);
    await subscribeGranted(watcher, "lab/will", 1);
    const silent = await client("silent", {
      keepalive: 1,
      will: { topic: "lab/will", payload: Buffer.from("gone"), qos: 1, retain: false },
    });
    // Stop the client's own pings: the broker must notice the silence by itself.
    (silent as unknown as { _shiftPingInterval?: () => void; pingTimer?: { clear(): void } }).pingTimer?.clear();
    silent.options.keepalive = 0;
    const closed = closedOf(silent);
    await inbox.waitFor("lab/will");
    await closed;
    expect(inbox.received).toEqual([{ topic: "lab/will", payload: "gone" }]);
  });

  it("a clean DISCONNECT discards the Will [MQTT-3.1.2-10]", async () => {
    const watcher = await client("will-watch-2");
    const inbox = collectMessages(watcher);
    await subscribeGranted(watcher, ["lab/will2", "lab/after"], 1);
    const polite = await client("polite", {
      will: { topic: "lab/will2", payload: Buffer.from("gone"), qos: 1, retain: false },
    });
    await polite.endAsync();
    await watcher.publishAsync("lab/after", "x", { qos: 1 });
    await inbox.waitFor("lab/after");
    expect(inbox.topics()).toEqual(["lab/after"]);
  });
});

describe("redelivery of unacknowledged messages", () => {
  /** A hand-written MQTT 3.1.1 session that subscribes and then never acknowledges anything. */
  async function subscribeWithoutAcks(clientId: string, topic: string, qos: 1 | 2) {
    const id = Buffer.from(clientId);
    const connectPacket = Buffer.concat([
      Buffer.from([
        0x10,
        12 + id.length,
        0x00,
        0x04,
        0x4d,
        0x51,
        0x54,
        0x54,
        0x04,
        0x00 /* clean session 0 */,
        0x00,
        0x3c,
        0x00,
        id.length,
      ]),
      id,
    ]);
    const t = Buffer.from(topic);
    const subscribePacket = Buffer.concat([
      Buffer.from([0x82, 5 + t.length, 0x00, 0x01, 0x00, t.length]),
      t,
      Buffer.from([qos]),
    ]);
    const socket = connectTcp(broker.ports.mqtt, "127.0.0.1", () =>
      socket.write(Buffer.concat([connectPacket, subscribePacket])),
    );
    socket.on("error", () => {});
    const received: number[] = [];
    socket.on("data", (chunk: Buffer) => received.push(...chunk));
    await until(() => received.includes(0x90)); // SUBACK
    return {
      /** Resolves once a PUBLISH (first byte 0x3_) has arrived; its acknowledgement is never sent. */
      publishArrived: () => until(() => received.some((byte) => byte >> 4 === 3)),
      drop: () => new Promise<void>((resolve) => socket.destroy().once("close", () => resolve())),
    };
  }

  it.each([1, 2] as const)(
    "QoS %i: a message not acknowledged before the connection drops is sent again on reconnect, with DUP=1 [MQTT-4.4.0-1] [MQTT-3.3.1-1]",
    async (qos) => {
      const stubborn = await subscribeWithoutAcks(`stubborn-${qos}`, "lab/redeliver", qos);
      const pub = await client(`redeliver-pub-${qos}`);
      await pub.publishAsync("lab/redeliver", "again", { qos });
      await stubborn.publishArrived();
      await stubborn.drop();

      // Listen before CONNECT: the broker resends right after CONNACK.
      const back = connect(mqttUrl(broker), {
        clientId: `stubborn-${qos}`,
        clean: false,
        manualConnect: true,
        reconnectPeriod: 0,
        protocolVersion: 4,
      });
      clients.push(back);
      const received: Array<{ payload: string; dup: boolean }> = [];
      back.on("message", (_t, payload, packet) => received.push({ payload: payload.toString(), dup: packet.dup }));
      back.connect();
      await until(() => received.length >= 1);
      expect(received[0]).toEqual({ payload: "again", dup: true });
    },
  );
});

describe("unsubscribe", () => {
  it("stops delivery for that filter only, and is acknowledged [MQTT-3.10.4-1] [MQTT-3.10.4-4]", async () => {
    const sub = await client("unsub");
    const inbox = collectMessages(sub);
    await subscribeGranted(sub, ["lab/u/a", "lab/u/b"], 1);
    await sub.unsubscribeAsync("lab/u/a");
    const pub = await client("unsub-pub");
    await pub.publishAsync("lab/u/a", "no", { qos: 1 });
    await pub.publishAsync("lab/u/b", "yes", { qos: 1 });
    await inbox.waitFor("lab/u/b");
    expect(inbox.received).toEqual([{ topic: "lab/u/b", payload: "yes" }]);
  });
});
