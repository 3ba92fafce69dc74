// The broker's counters, fed by aedes events, the ACL hooks and the listeners' sockets,
// rendered for Prometheus at /metrics.
import type { Socket } from "node:net";
import type { Aedes } from "aedes";
import { Counter, Gauge, renderFamilies } from "./prometheus.ts";

export interface BrokerMetrics {
  readonly messagesIn: Counter;
  readonly messagesOut: Counter;
  readonly payloadBytesIn: Counter;
  readonly payloadBytesOut: Counter;
  readonly connections: Counter;
  readonly authFailures: Counter;
  readonly aclDenied: Counter;
  readonly clientErrors: Counter;
  /** Count a listener's raw socket towards the network byte totals. */
  trackSocket(socket: Socket): void;
  /** Feed the counters from the broker's events and read its connected-client count. */
  attach(aedes: Aedes): void;
  render(): string;
}

export function createBrokerMetrics(now: () => number = Date.now): BrokerMetrics {
  const startedAt = now();
  const openSockets = new Set<Socket>();
  const closedBytes = { read: 0, written: 0 };
  let aedes: Aedes | undefined;

  const metrics = {
    messagesIn: new Counter("fleet_broker_messages_received_total", "PUBLISH packets received from clients and routed"),
    messagesOut: new Counter("fleet_broker_messages_sent_total", "PUBLISH packets delivered to subscribers"),
    payloadBytesIn: new Counter("fleet_broker_payload_received_bytes_total", "Payload bytes of routed PUBLISH packets from clients"),
    payloadBytesOut: new Counter("fleet_broker_payload_sent_bytes_total", "Payload bytes of PUBLISH packets delivered to subscribers"),
    connections: new Counter("fleet_broker_connections_total", "MQTT sessions accepted (CONNACK 0)"),
    authFailures: new Counter("fleet_broker_auth_failures_total", "CONNECTs refused, by CONNACK return code"),
    aclDenied: new Counter("fleet_broker_acl_denied_total", "Operations refused by the ACL, by action"),
    clientErrors: new Counter("fleet_broker_client_errors_total", "Connections closed because of a protocol or transport error"),
  };

  const sum = (pick: (socket: Socket) => number): number => {
    let total = 0;
    for (const socket of openSockets) total += pick(socket);
    return total;
  };

  const families = [
    new Gauge("fleet_broker_connected_clients", "MQTT clients currently connected", () => aedes?.connectedClients ?? 0),
    ...Object.values(metrics),
    new Gauge("fleet_broker_network_received_bytes_total", "Bytes read from client sockets", () => closedBytes.read + sum((s) => s.bytesRead), "counter"),
    new Gauge("fleet_broker_network_sent_bytes_total", "Bytes written to client sockets", () => closedBytes.written + sum((s) => s.bytesWritten), "counter"),
    new Gauge("fleet_broker_uptime_seconds", "Seconds since the broker started", () => (now() - startedAt) / 1000),
  ];

  return {
    ...metrics,
    trackSocket(socket) {
      openSockets.add(socket);
      socket.once("close", () => {
        openSockets.delete(socket);
        closedBytes.read += socket.bytesRead;
        closedBytes.written += socket.bytesWritten;
      });
    },
    attach(broker) {
      aedes = broker;
      broker.on("publish", (packet, client) => {
        if (client === null) return; // the broker's own $SYS messages
        metrics.messagesIn.inc();
        metrics.payloadBytesIn.inc(undefined, payloadLength(packet.payload));
      });
      broker.on("client", () => metrics.connections.inc());
      // A refused CONNECT also ends in clientError (with errorCode set); authFailures counts those.
      const countError = (_client: unknown, error: Error): void => {
        if (!("errorCode" in error)) metrics.clientErrors.inc();
      };
      broker.on("clientError", countError);
      broker.on("connectionError", countError);
    },
    render: () => renderFamilies(families),
  };
}

/** Size of a PUBLISH payload as aedes hands it over (Buffer, or string for broker-made packets). */
export function payloadLength(payload: unknown): number {
  if (typeof payload === "string") return Buffer.byteLength(payload);
  return payload instanceof Uint8Array ? payload.byteLength : 0;
}
