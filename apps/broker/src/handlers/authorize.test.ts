// Publish and subscribe rights over real sockets, with a privileged observer (service account) as witness.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import type { RunningBroker } from "../server.ts";
import {
  collectMessages,
  connectClient,
  endAll,
  mqttUrl,
  observer,
  observerAuthenticator,
  startTestBroker,
  subscribeGranted,
} from "../testing/broker-harness.ts";

let broker: RunningBroker;
let anonymous: MqttClient;
let witness: MqttClient;

beforeEach(async () => {
  broker = await startTestBroker({ MQTT_ALLOW_ANONYMOUS: "true" }, { authenticator: observerAuthenticator });
  anonymous = await connectClient(mqttUrl(broker), { clientId: "dev-laptop" });
  witness = await observer(mqttUrl(broker));
});
afterEach(async () => {
  await endAll(anonymous, witness);
  await broker.close();
});

describe("anonymous clients inside fleet/v1/...", () => {
  it("get return code 0x80 for a subscription to fleet/v1/x/desired [MQTT-3.9.3-2]", async () => {
    expect(await subscribeGranted(anonymous, "fleet/v1/x/desired", 1)).toEqual([0x80]);
  });

  it("get 0x80 for wildcards that reach fleet/v1/..., per filter, in one SUBSCRIBE [MQTT-3.8.4-5]", async () => {
    expect(await subscribeGranted(anonymous, ["#", "+/v1/#", "lab/#", "fleet/v2/#"], 1)).toEqual([0x80, 0x80, 1, 1]);
    expect(anonymous.connected).toBe(true); // a refused filter does not cost the connection
  });

  it("cannot publish there: the message is acknowledged but reaches no subscriber [MQTT-3.3.5-2]", async () => {
    const seen = collectMessages(witness);
    expect(await subscribeGranted(witness, ["fleet/v1/#", "lab/#"], 1)).toEqual([1, 1]);

    await anonymous.publishAsync("fleet/v1/gw-1/desired", '{"rev":99}', { qos: 1, retain: true });
    await anonymous.publishAsync("fleet/v1/gw-1/status", "online", { qos: 0 });
    await anonymous.publishAsync("lab/marker", "after", { qos: 1 });
    await seen.waitFor("lab/marker");
    expect(seen.topics()).toEqual(["lab/marker"]);
    expect(anonymous.connected).toBe(true);

    // Nor was anything retained: a new subscriber to the topic receives nothing but later traffic.
    const late = await observer(mqttUrl(broker), "observer-2");
    const lateSeen = collectMessages(late);
    await subscribeGranted(late, ["fleet/v1/gw-1/desired", "lab/late"], 1);
    await witness.publishAsync("lab/late", "x", { qos: 1 });
    await lateSeen.waitFor("lab/late");
    expect(lateSeen.topics()).toEqual(["lab/late"]);
    await late.endAsync();
  });

  it("may use other topics, both ways", async () => {
    const seen = collectMessages(anonymous);
    expect(await subscribeGranted(anonymous, "lab/+/temp", 1)).toEqual([1]);
    await witness.publishAsync("lab/kitchen/temp", "20", { qos: 1 });
    await seen.waitFor("lab/kitchen/temp");
    expect(seen.received).toEqual([{ topic: "lab/kitchen/temp", payload: "20" }]);
  });
});

describe("$SYS/...", () => {
  it("is never writable by clients, not even by a service account", async () => {
    const seen = collectMessages(witness);
    expect(await subscribeGranted(witness, ["$SYS/fake/#", "lab/marker"], 0)).toEqual([0, 0]);
    await anonymous.publishAsync("$SYS/fake/x", "spoof", { qos: 1 });
    await witness.publishAsync("$SYS/fake/y", "spoof", { qos: 1 });
    await witness.publishAsync("lab/marker", "after", { qos: 1 });
    await seen.waitFor("lab/marker");
    expect(seen.topics()).toEqual(["lab/marker"]);
  });

  it("is not readable by anonymous clients, and # does not match it [MQTT-4.7.2-1]", async () => {
    expect(await subscribeGranted(anonymous, "$SYS/#", 0)).toEqual([0x80]);
  });
});
