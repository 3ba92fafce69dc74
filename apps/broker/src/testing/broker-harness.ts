// Shared by the broker's tests: a broker on ephemeral loopback ports and MQTT.js clients as peers.
import { connect, type IClientOptions, type MqttClient } from "mqtt";
import type { Authenticator } from "../auth/authenticator.ts";
import type { Principal } from "../auth/principal.ts";
import { loadBrokerConfig, type TEnv } from "../config.ts";
import { captureLogger } from "@fleet/log/testing";
import { startBroker, type BrokerDeps, type RunningBroker } from "../server.ts";

export const TEST_ENV: TEnv = {
  MQTT_HOST: "127.0.0.1",
  MQTT_PORT: "0",
  MQTT_WS_PORT: "0",
  METRICS_PORT: "0",
  LOG_LEVEL: "silent",
};

export async function startTestBroker(env: TEnv = {}, deps: BrokerDeps = {}): Promise<RunningBroker> {
  return startBroker(loadBrokerConfig({ ...TEST_ENV, ...env }), {
    logger: captureLogger({ level: "debug" }).logger,
    ...deps,
  });
}

/** A service account that may do anything: the privileged observer of the tests. */
export const OBSERVER: Principal = { kind: "service", name: "observer", publish: ["#"], subscribe: ["#", "$SYS/#"] };

/** Accepts `observer`/`observer-secret` as OBSERVER; refuses every other credential. */
export const observerAuthenticator: Authenticator = {
  authenticate: async (_clientId, username, password) =>
    username === "observer" && password?.toString() === "observer-secret" ? OBSERVER : null,
};

export function mqttUrl(broker: RunningBroker): string {
  return `mqtt://127.0.0.1:${broker.ports.mqtt}`;
}

const BASE_OPTIONS: IClientOptions = { reconnectPeriod: 0, connectTimeout: 5_000, protocolVersion: 4 };

/** Connects and resolves once CONNACK 0 arrived; rejects with the refusal (error.code = return code). */
export function connectClient(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = connect(url, { ...BASE_OPTIONS, ...options });
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("error", (error) => {
      client.end(true);
      reject(error);
    });
    client.once("close", () => reject(new Error("connection closed before CONNACK")));
  });
}

/** The CONNACK return code the broker answers to these options (0 = accepted). */
export async function connackCode(url: string, options: IClientOptions = {}): Promise<number> {
  try {
    const client = await connectClient(url, options);
    await client.endAsync();
    return 0;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "number") return code;
    throw error;
  }
}

export function observer(url: string, clientId = "observer-1"): Promise<MqttClient> {
  return connectClient(url, { clientId, username: "observer", password: "observer-secret" });
}

/** The granted QoS per filter from the SUBACK, 0x80 included (MQTT.js turns 0x80 into an error). */
export function subscribeGranted(
  client: MqttClient,
  filters: string | string[],
  qos: 0 | 1 | 2 = 0,
): Promise<number[]> {
  return new Promise((resolve, reject) => {
    client.subscribe(filters, { qos }, (error, _grants, packet) => {
      if (packet !== undefined && "granted" in packet) {
        resolve(packet.granted.map((grant) => (typeof grant === "number" ? grant : (grant as { qos: number }).qos)));
        return;
      }
      reject(error ?? new Error("no SUBACK"));
    });
  });
}

/** Collects every message a client receives, and waits for one on a given topic. */
export function collectMessages(client: MqttClient) {
  const received: Array<{ topic: string; payload: string }> = [];
  const waiters: Array<{ topic: string; resolve: () => void }> = [];
  client.on("message", (topic, payload) => {
    received.push({ topic, payload: payload.toString() });
    for (const waiter of waiters.filter((w) => w.topic === topic)) waiter.resolve();
  });
  return {
    received,
    topics: () => received.map((message) => message.topic),
    waitFor: (topic: string) =>
      received.some((message) => message.topic === topic)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ topic, resolve })),
  };
}

export async function endAll(...clients: Array<MqttClient | undefined>): Promise<void> {
  await Promise.all(clients.map((client) => client?.endAsync(true)));
}

/** The value of one sample (`name` or `name{labels}`) on the broker's /metrics page; 0 when absent. */
export async function scrapeMetric(broker: RunningBroker, sample: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${broker.ports.metrics}/metrics`)).text();
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}

/** Resolves when the client's connection closes (for any reason). */
export function closedOf(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    if (!client.connected) resolve();
    client.once("close", () => resolve());
  });
}
