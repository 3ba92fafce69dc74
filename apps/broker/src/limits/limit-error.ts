// A client broke one of the broker's limits. Raised where the breach is detected (our hooks and
// guards), or made by aedes-errors.ts from the plain errors aedes reports; server.ts counts and logs
// every breach by its `limit`, never by message text.

/** The limits, as the `limit` label of fleet_broker_limit_violations_total. */
export const LIMITS = [
  "packet_size", // MQTT_MAX_PACKET_BYTES (limits/packet-size-guard.ts)
  "publish_rate", // MQTT_PUBLISH_RATE (handlers/authorize-publish.ts)
  "topic_levels", // MQTT_MAX_TOPIC_LEVELS (aedes)
  "keepalive", // MQTT_KEEPALIVE_MIN/MAX, refused at CONNECT (handlers/authenticate.ts)
  "connect_timeout", // MQTT_CONNECT_TIMEOUT_MS (aedes)
  "keepalive_timeout", // no packet within 1.5 × keepalive (aedes)
  "slow_consumer", // a subscriber that does not drain its socket (aedes)
  "pre_connect_queue", // packets queued before CONNECT completed (aedes)
] as const;
export type TLimit = (typeof LIMITS)[number];

export class LimitError extends Error {
  override readonly name = "LimitError";
  readonly code = "limit_exceeded";
  readonly limit: TLimit;

  constructor(limit: TLimit, message: string) {
    super(message);
    this.limit = limit;
  }
}
