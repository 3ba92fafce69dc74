// State the aedes hooks share: who each connection is, and what CONNECT said beyond what aedes keeps.
import type { Client, PublishPacket } from "aedes";
import type { Authenticator } from "../auth/authenticator.ts";
import type { Principal } from "../auth/principal.ts";
import type { BrokerLimits } from "../config.ts";
import type { RateLimiter } from "../limits/publish-rate.ts";
import type { Logger } from "@fleet/log";
import type { BrokerMetrics } from "../metrics.ts";

export interface ConnectFacts {
  /** The client sent a zero-length client id and aedes made one up [MQTT-3.1.3-6]. */
  readonly assignedClientId: boolean;
  readonly cleanSession: boolean;
  /** Topic of the Last Will, checked against the principal's publish rights at CONNECT. */
  readonly willTopic: string | undefined;
  /** Seconds; 0 = the client asked for no keepalive. */
  readonly keepalive: number;
}

export interface HandlerContext {
  readonly authenticator: Authenticator;
  readonly allowAnonymous: boolean;
  readonly logger: Logger;
  readonly metrics: BrokerMetrics;
  readonly principals: WeakMap<Client, Principal>;
  readonly connectFacts: WeakMap<Client, ConnectFacts>;
  readonly limits: BrokerLimits;
  /** One publish-rate bucket per connection (devices and anonymous clients). */
  readonly rateLimiters: WeakMap<Client, RateLimiter>;
  /** Acknowledge a PUBLISH but route it nowhere (see guarded-aedes.ts). */
  readonly dropPublish: (packet: PublishPacket) => void;
}

/** Client ids come off the wire: bound them before they reach a log line. */
export function loggableId(client: Client): string {
  const id = typeof client.id === "string" ? client.id : "";
  return id.length > 80 ? `${id.slice(0, 80)}…` : id;
}
