// The real publisher against an independent broker: Mosquitto on 127.0.0.1:1883 (anonymous allowed on
// the test machines). Unique device ids keep runs apart; retained messages are cleared afterwards.
import { randomBytes } from "node:crypto";
import { checkService, testEnv } from "@fleet/db/testing";
import { decodePayload, desiredTopic, parseDeviceId, type TDesiredPayload } from "@fleet/protocol";
import mqtt from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import { DesiredPublishError, MqttDesiredPublisher } from "./mqtt-desired-publisher.ts";

const service = await checkService("mosquitto");
const deviceId = `rollout-pub-${randomBytes(4).toString("hex")}`;
const parsedId = parseDeviceId(deviceId);
if (!parsedId.ok) throw parsedId.error;
const topic = desiredTopic(parsedId.value);

const desired = (rev: number): TDesiredPayload => ({
  v: 1,
  ts: Date.now(),
  rev,
  rolloutId: "ro-1",
  variant: {
    id: `var-${rev}`,
    modelId: "model-1",
    url: `http://console.test/a/var-${rev}/manifest.json?exp=1&sig=abc`,
    sha256: "a".repeat(64),
    bytes: 1234,
    signature: `${"A".repeat(43)}+/${"b".repeat(41)}==`,
    precision: "int8",
    engine: "tfjs",
  },
});

/** Connects a fresh subscriber and returns the retained message of `topic` (with its flags). */
async function readRetained(): Promise<{ payload: Buffer; retain: boolean; qos: number }> {
  const client = await mqtt.connectAsync(testEnv.FLEET_TEST_MQTT_URL, {
    protocolVersion: 4,
    clean: true,
    clientId: `obs-${randomBytes(4).toString("hex")}`,
  });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no retained message")), 5_000);
      client.on("message", (_topic, payload, packet) => {
        clearTimeout(timer);
        resolve({ payload, retain: packet.retain, qos: packet.qos });
      });
      void client.subscribeAsync(topic, { qos: 1 });
    });
  } finally {
    await client.endAsync();
  }
}

describe.runIf(service.available)("MqttDesiredPublisher against Mosquitto", () => {
  let publisher: MqttDesiredPublisher | undefined;

  afterAll(async () => {
    const cleaner = await mqtt.connectAsync(testEnv.FLEET_TEST_MQTT_URL, { protocolVersion: 4 });
    await cleaner.publishAsync(topic, "", { qos: 1, retain: true });
    await cleaner.endAsync();
    await publisher?.close();
  });

  it("publishes a protocol-valid desired payload, QoS 1 and retained, which a device connecting later receives", async () => {
    publisher = await MqttDesiredPublisher.connect({ url: testEnv.FLEET_TEST_MQTT_URL, username: "console" });
    await publisher.publish(deviceId, desired(1));
    await publisher.publish(deviceId, desired(2));
    const retained = await readRetained();
    expect(retained.retain).toBe(true);
    expect(retained.qos).toBe(1);
    const decoded = decodePayload("desired", retained.payload);
    expect(decoded.ok && decoded.value).toMatchObject({
      rev: 2,
      rolloutId: "ro-1",
      variant: { id: "var-2", precision: "int8" },
    });
  });

  it("refuses an invalid payload or device id before anything is sent", async () => {
    const bad = { ...desired(3), variant: { ...desired(3).variant!, sha256: "nope" } };
    await expect(publisher!.publish(deviceId, bad)).rejects.toThrow(/sha256/);
    await expect(publisher!.publish("Bad/Id", desired(3))).rejects.toThrow(/device id/);
    const decoded = decodePayload("desired", (await readRetained()).payload);
    expect(decoded.ok && decoded.value.rev).toBe(2);
  });

  it("fails fast while the broker is unreachable instead of queueing", async () => {
    await expect(
      MqttDesiredPublisher.connect({ url: "mqtt://127.0.0.1:1", connectTimeoutMs: 1_000 }),
    ).rejects.toBeInstanceOf(DesiredPublishError);
  });
});
