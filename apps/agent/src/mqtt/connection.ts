// The device's MQTT session: persistent (clean=false) so QoS 1 messages survive short drops,
// client id = username = device id, the Last Will on status, reconnect with backoff + jitter, and
// the subscription to the device's own desired topic renewed on every connect.
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { connect, type IClientOptions, type MqttClient } from "mqtt";
import {
  buildTopic,
  desiredTopic,
  encodePayload,
  lastWill,
  offlineStatus,
  publishOptions,
  type TDeviceId,
  type TPayloadByChannel,
} from "@fleet/protocol";
import type { Logger } from "@fleet/log";
import { backoffDelay, DEFAULT_BACKOFF, type TBackoffOptions } from "./backoff.ts";

export interface TConnectionOptions {
  brokerUrl: string;
  deviceId: TDeviceId;
  secret: string;
  caFile?: string | undefined;
  backoff?: TBackoffOptions;
  connectTimeoutMs?: number;
  keepaliveSec?: number;
  logger: Logger;
}

type TPublishChannel = "status" | "telemetry" | "reported" | "events";

// MQTT 3.1.1 CONNACK return codes, as people should read them in the log.
const CONNACK_REASONS: Record<number, string> = {
  1: "unacceptable protocol version",
  2: "client id rejected",
  3: "server unavailable",
  4: "bad user name or password (check the device id and secret)",
  5: "not authorized",
};

export function describeConnectError(error: Error & { code?: unknown }): string {
  if (typeof error.code === "number")
    return `broker refused the connection: ${CONNACK_REASONS[error.code] ?? `return code ${error.code}`}`;
  if (error.code === "ECONNREFUSED") return `broker refused the TCP connection (${error.message})`;
  return error.message;
}

export interface DeviceConnectionEvents {
  connect: [sessionPresent: boolean];
  offline: [];
  desired: [payload: Buffer];
}

export class DeviceConnection extends EventEmitter<DeviceConnectionEvents> {
  readonly client: MqttClient;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly desired: string;

  constructor(private readonly options: TConnectionOptions) {
    super();
    this.desired = desiredTopic(options.deviceId);
    this.client = connect(options.brokerUrl, this.clientOptions());
    this.client.on("connect", (connack) => this.onConnect(connack.sessionPresent));
    this.client.on("close", () => this.onClose());
    this.client.on("error", (error) => {
      options.logger.warn(
        {
          error: describeConnectError(error as Error & { code?: unknown }),
          broker: options.brokerUrl,
        },
        "mqtt connection failed",
      );
    });
    this.client.on("message", (topic, payload) => {
      if (topic === this.desired) this.emit("desired", payload);
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  private clientOptions(): IClientOptions {
    const { deviceId, secret, caFile } = this.options;
    const options: IClientOptions = {
      protocolVersion: 4,
      clientId: deviceId,
      username: deviceId,
      password: secret,
      clean: false,
      keepalive: this.options.keepaliveSec ?? 30,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      // Reconnects are ours (backoff + jitter); subscriptions are renewed in onConnect.
      reconnectPeriod: 0,
      resubscribe: false,
      will: willOf(deviceId),
    };
    if (caFile) options.ca = readFileSync(caFile);
    return options;
  }

  private onConnect(sessionPresent: boolean): void {
    this.attempt = 0;
    this.options.logger.info({ broker: this.options.brokerUrl, sessionPresent }, "mqtt connected");
    // Renewed every time: a broker that lost its sessions (restart, no persistence) forgot it.
    this.client.subscribe(this.desired, { qos: 1 }, (error, granted) => {
      const refused = granted?.some((grant) => grant.qos === 128);
      if (error || refused)
        this.options.logger.error(
          {
            topic: this.desired,
            error: error?.message ?? "SUBACK 0x80",
          },
          "subscription to desired refused",
        );
    });
    this.emit("connect", sessionPresent);
  }

  private onClose(): void {
    if (this.stopped) return;
    this.emit("offline");
    if (this.reconnectTimer) return;
    const delay = backoffDelay(this.attempt++, this.options.backoff ?? DEFAULT_BACKOFF);
    this.options.logger.info({ inMs: delay, attempt: this.attempt }, "mqtt disconnected; reconnecting");
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.stopped) return;
      // The will's ts is the connect time (protocol README).
      this.client.options.will = willOf(this.options.deviceId);
      this.client.reconnect();
    }, delay);
    this.reconnectTimer.unref?.();
  }

  /**
   * Validates and publishes with the channel's QoS/retain. Resolves on PUBACK (QoS 1); while offline
   * MQTT.js keeps the message and sends it after reconnect.
   */
  async publish<C extends TPublishChannel>(channel: C, value: TPayloadByChannel[C]): Promise<void> {
    const encoded = encodePayload(channel, value);
    if (!encoded.ok) throw encoded.error;
    await this.client.publishAsync(buildTopic(this.options.deviceId, channel), encoded.value, publishOptions(channel));
  }

  /** Clean shutdown: says offline itself (the will fires only on an unclean drop), then disconnects. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.client.connected) {
      try {
        await withTimeout(this.publish("status", offlineStatus(Date.now())), 2_000);
      } catch {
        // Best effort: the broker will publish the will if this did not make it.
      }
    }
    await this.client.endAsync(!this.client.connected);
  }
}

/** The Last Will for MQTT.js; its ts is the connect time (protocol README). */
function willOf(deviceId: TDeviceId): NonNullable<IClientOptions["will"]> {
  const will = lastWill(deviceId, Date.now());
  return { ...will, payload: Buffer.from(will.payload) };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });
}
