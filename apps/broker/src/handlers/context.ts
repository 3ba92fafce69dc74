// State the aedes hooks share: who each connection is, and what CONNECT said beyond what aedes keeps.
import type { Client, PublishPacket } from "aedes";
import type { Authenticator } from "../auth/authenticator.ts";
import type { Principal } from "../auth/principal.ts";
import type { Logger } from "../logger.ts";
import type { BrokerMetrics } from "../metrics.ts";

export interface ConnectFacts {
  /** The client sent a zero-length client id and aedes made one up [MQTT-3.1.3-6]. */
  readonly assignedClientId: boolean;
  readonly cleanSession: boolean;
  /** Topic of the Last Will, checked against the principal's publish rights at CONNECT. */
  readonly willTopic: string | undefined;
}

export interface HandlerContext {
  readonly authenticator: Authenticator;
  readonly allowAnonymous: boolean;
  readonly logger: Logger;
  readonly metrics: BrokerMetrics;
  readonly principals: WeakMap<Client, Principal>;
  readonly connectFacts: WeakMap<Client, ConnectFacts>;
  /** Acknowledge a PUBLISH but route it nowhere (see guarded-aedes.ts). */
  readonly dropPublish: (packet: PublishPacket) => void;
}

/** Client ids come off the wire: bound them before they reach a log line. */
export function loggableId(client: Client): string {
  const id = typeof client.id === "string" ? client.id : "";
  return id.length > 80 ? `${id.slice(0, 80)}…` : id;
}
