// The real DesiredPublisher: an MQTT.js client connected to the broker as a service account (whose
// publish filters must cover fleet/v1/+/desired), publishing protocol-encoded `desired` payloads QoS 1
// and retained, so a device that is offline now finds its revision when it reconnects.
import { randomBytes } from "node:crypto";
import { desiredTopic, encodePayload, parseDeviceId, publishOptions, type TDesiredPayload } from "@fleet/protocol";
import mqtt, { type MqttClient } from "mqtt";
import type { TDesiredPublisher } from "./rollout-deps.ts";

export interface TMqttDesiredPublisherOptions {
  /** mqtt://, mqtts://, ws:// or wss:// URL of the broker (credentials may also be in the URL). */
  url: string;
  /** The service account's username and secret. */
  username?: string | undefined;
  password?: string | undefined;
  /** Default `<username or console>-<random>`: unique per process, so two consoles do not take over each other's session. */
  clientId?: string;
  /** How long one publish may wait for its PUBACK (default 10 s). */
  publishTimeoutMs?: number;
  /** How long the first connection may take (default 10 s). */
  connectTimeoutMs?: number;
}

export class DesiredPublishError extends Error {
  override readonly name = "DesiredPublishError";
}

export class MqttDesiredPublisher implements TDesiredPublisher {
  private readonly client: MqttClient;
  private readonly publishTimeoutMs: number;

  private constructor(client: MqttClient, publishTimeoutMs: number) {
    this.client = client;
    this.publishTimeoutMs = publishTimeoutMs;
  }

  /** Connects (MQTT 3.1.1, clean session, reconnecting every 2 s) and resolves once the broker accepted. */
  static async connect(options: TMqttDesiredPublisherOptions): Promise<MqttDesiredPublisher> {
    const base =
      (options.username ?? "console")
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-")
        .slice(0, 40) || "console";
    const client = mqtt.connect(options.url, {
      protocolVersion: 4,
      clean: true,
      clientId: options.clientId ?? `${base}-${randomBytes(6).toString("hex")}`,
      reconnectPeriod: 2_000,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      ...(options.username === undefined ? {} : { username: options.username }),
      ...(options.password === undefined ? {} : { password: options.password }),
    });
    client.on("error", () => {}); // refusals surface through connect below and through publish while down
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          fail(
            new DesiredPublishError(
              `no connection to ${redact(options.url)} within ${options.connectTimeoutMs ?? 10_000} ms`,
            ),
          ),
        options.connectTimeoutMs ?? 10_000,
      );
      const fail = (error: Error) => {
        clearTimeout(timer);
        client.removeListener("connect", ok);
        client.end(true);
        reject(error);
      };
      const ok = () => {
        clearTimeout(timer);
        client.removeListener("error", onError);
        resolve();
      };
      const onError = (error: Error) =>
        fail(new DesiredPublishError(`broker ${redact(options.url)} refused the console: ${error.message}`));
      client.once("connect", ok);
      client.once("error", onError);
    });
    return new MqttDesiredPublisher(client, options.publishTimeoutMs ?? 10_000);
  }

  get connected(): boolean {
    return this.client.connected;
  }

  async publish(deviceId: string, payload: TDesiredPayload): Promise<void> {
    const id = parseDeviceId(deviceId);
    if (!id.ok) throw id.error;
    const encoded = encodePayload("desired", payload);
    if (!encoded.ok) throw encoded.error;
    // While disconnected MQTT.js would queue the message; fail instead, the driver retries next tick.
    if (!this.client.connected) throw new DesiredPublishError("not connected to the broker");
    const { qos, retain } = publishOptions("desired");
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.client.publishAsync(desiredTopic(id.value), encoded.value, { qos, retain }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new DesiredPublishError(`no PUBACK for ${deviceId} within ${this.publishTimeoutMs} ms`)),
            this.publishTimeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(invalid URL)";
  }
}
