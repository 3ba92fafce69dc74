// The channels under fleet/v1/{id}/: who publishes each, and with which QoS and retained flag (docs/architecture.md, "MQTT namespace").

/** Root of every Fleet topic; the version lives in the root so v2 can run beside v1. */
export const TOPIC_ROOT = "fleet/v1";

/** Channels that carry a payload defined by this package. */
export const PAYLOAD_CHANNELS = ["status", "telemetry", "desired", "reported", "events"] as const;
export type TPayloadChannel = (typeof PAYLOAD_CHANNELS)[number];

/** Every channel, including the reserved `cmd/#` subtree (no payload schema yet). */
export const CHANNELS = [...PAYLOAD_CHANNELS, "cmd"] as const;
export type TChannel = (typeof CHANNELS)[number];

export interface TChannelSpec {
  /** Who publishes on the channel: the device itself, or a service (console) addressing the device. */
  readonly publishedBy: "device" | "service";
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
  /** True for `cmd`, whose topics have further levels: fleet/v1/{id}/cmd/{name}. */
  readonly subtree: boolean;
  /** True while the channel has no payload schema and nobody uses it. */
  readonly reserved: boolean;
}

export const CHANNEL_SPECS = {
  status: { publishedBy: "device", qos: 1, retain: true, subtree: false, reserved: false },
  telemetry: { publishedBy: "device", qos: 1, retain: false, subtree: false, reserved: false },
  desired: { publishedBy: "service", qos: 1, retain: true, subtree: false, reserved: false },
  reported: { publishedBy: "device", qos: 1, retain: true, subtree: false, reserved: false },
  events: { publishedBy: "device", qos: 1, retain: false, subtree: false, reserved: false },
  // Commands must never be retained: a device reconnecting would run an old command again.
  cmd: { publishedBy: "service", qos: 1, retain: false, subtree: true, reserved: true },
} as const satisfies Record<TChannel, TChannelSpec>;

/** Channels a device may publish on (its own topics only). */
export const DEVICE_PUBLISH_CHANNELS = [
  "status",
  "telemetry",
  "reported",
  "events",
] as const satisfies readonly TPayloadChannel[];

/** Channels a device may subscribe to (its own topics only; `cmd` as the subtree cmd/#). */
export const DEVICE_SUBSCRIBE_CHANNELS = ["desired", "cmd"] as const satisfies readonly TChannel[];

export function isChannel(value: unknown): value is TChannel {
  return typeof value === "string" && (CHANNELS as readonly string[]).includes(value);
}

export function isPayloadChannel(value: unknown): value is TPayloadChannel {
  return typeof value === "string" && (PAYLOAD_CHANNELS as readonly string[]).includes(value);
}

/** `{ qos, retain }` to pass to MQTT.js `publish` (or aedes) for a channel. */
export function publishOptions(channel: TChannel): { qos: 0 | 1 | 2; retain: boolean } {
  const spec: TChannelSpec = CHANNEL_SPECS[channel];
  return { qos: spec.qos, retain: spec.retain };
}
