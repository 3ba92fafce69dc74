// CONNECT outcomes over real sockets. Return codes: [MQTT-3.2.2.3] table 3.1.
import { afterEach, describe, expect, it } from "vitest";
import type { Authenticator } from "../auth/authenticator.ts";
import type { RunningBroker } from "../server.ts";
import {
  connackCode,
  connectClient,
  mqttUrl,
  observerAuthenticator,
  startTestBroker,
} from "../testing/broker-harness.ts";

let broker: RunningBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

describe("authentication with anonymous mode off (the default)", () => {
  it("refuses a CONNECT without credentials with return code 5 (not authorized)", async () => {
    broker = await startTestBroker({}, { authenticator: observerAuthenticator });
    // [MQTT-3.2.2-5]: the CONNACK carries the non-zero code and the server closes the connection.
    expect(await connackCode(mqttUrl(broker), { clientId: "gw-1" })).toBe(5);
  });

  it("refuses credentials the Authenticator does not know with return code 4", async () => {
    broker = await startTestBroker({}, { authenticator: observerAuthenticator });
    expect(await connackCode(mqttUrl(broker), { clientId: "gw-1", username: "gw-1", password: "wrong" })).toBe(4);
  });

  it("refuses every credential until device credentials exist (default Authenticator)", async () => {
    broker = await startTestBroker();
    expect(
      await connackCode(mqttUrl(broker), { clientId: "observer-1", username: "observer", password: "observer-secret" }),
    ).toBe(4);
  });

  it("admits the principal an injected Authenticator returns", async () => {
    broker = await startTestBroker({}, { authenticator: observerAuthenticator });
    expect(
      await connackCode(mqttUrl(broker), { clientId: "observer-1", username: "observer", password: "observer-secret" }),
    ).toBe(0);
  });

  it("answers 3 (server unavailable) when the Authenticator fails, not 4", async () => {
    const broken: Authenticator = { authenticate: async () => Promise.reject(new Error("database down")) };
    broker = await startTestBroker({}, { authenticator: broken });
    expect(await connackCode(mqttUrl(broker), { clientId: "gw-1", username: "gw-1", password: "s" })).toBe(3);
  });

  it("refuses a device whose client id is not its device id", async () => {
    const devices: Authenticator = { authenticate: async (_id, username) => ({ kind: "device", deviceId: username }) };
    broker = await startTestBroker({}, { authenticator: devices });
    expect(await connackCode(mqttUrl(broker), { clientId: "gw-2", username: "gw-1", password: "s" })).toBe(5);
    expect(await connackCode(mqttUrl(broker), { clientId: "gw-1", username: "gw-1", password: "s" })).toBe(0);
  });

  it("refuses a zero-length client id with return code 2 [MQTT-3.1.3-9]", async () => {
    broker = await startTestBroker({}, { authenticator: observerAuthenticator });
    expect(
      await connackCode(mqttUrl(broker), { clientId: "", username: "observer", password: "observer-secret" }),
    ).toBe(2);
  });
});

describe("client ids and usernames must be device ids", () => {
  it.each(["gw+1", "gw#1", "fleet/gw", "GW-1", "-gw", "gw_1", "x".repeat(65)])(
    "refuses client id %j with return code 2 (identifier rejected) [MQTT-3.1.3-9]",
    async (clientId) => {
      broker = await startTestBroker({ MQTT_ALLOW_ANONYMOUS: "true" });
      expect(await connackCode(mqttUrl(broker), { clientId })).toBe(2);
    },
  );

  it("refuses a username that is not a device id with return code 4", async () => {
    broker = await startTestBroker({}, { authenticator: observerAuthenticator });
    expect(await connackCode(mqttUrl(broker), { clientId: "gw-1", username: "gw/#", password: "x" })).toBe(4);
  });
});

describe("anonymous mode (MQTT_ALLOW_ANONYMOUS=true)", () => {
  it("admits clients without credentials", async () => {
    broker = await startTestBroker({ MQTT_ALLOW_ANONYMOUS: "true" });
    expect(await connackCode(mqttUrl(broker), { clientId: "dev-laptop" })).toBe(0);
  });

  it("admits a zero-length client id with a clean session and assigns one [MQTT-3.1.3-6]", async () => {
    broker = await startTestBroker({ MQTT_ALLOW_ANONYMOUS: "true" });
    expect(await connackCode(mqttUrl(broker), { clientId: "", clean: true })).toBe(0);
  });

  it("still checks credentials that are presented instead of ignoring them", async () => {
    broker = await startTestBroker({ MQTT_ALLOW_ANONYMOUS: "true" }, { authenticator: observerAuthenticator });
    expect(await connackCode(mqttUrl(broker), { clientId: "gw-1", username: "gw-1", password: "wrong" })).toBe(4);
  });

  it("refuses a Will inside fleet/v1/... from an anonymous client (return code 5)", async () => {
    broker = await startTestBroker({ MQTT_ALLOW_ANONYMOUS: "true" });
    const will = { topic: "fleet/v1/gw-1/status", payload: Buffer.from("offline"), qos: 1 as const, retain: true };
    expect(await connackCode(mqttUrl(broker), { clientId: "dev-laptop", will })).toBe(5);
    const allowedWill = { ...will, topic: "lab/laptop/status" };
    const client = await connectClient(mqttUrl(broker), { clientId: "dev-laptop", will: allowedWill });
    await client.endAsync();
  });
});
