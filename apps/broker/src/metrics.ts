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
  readonly devicesRevoked: Counter;
  readonly limitViolations: Counter;
  readonly offlineDropped: Counter;
  readonly invalidPayloads: Counter;
  readonly ingestRows: Counter;
  readonly ingestDropped: Counter;
  readonly ingestBatches: Counter;
  readonly ingestBatchRows: Counter;
  readonly ingestWriteErrors: Counter;
  /** Age of the oldest row of the last batch written, in ms. */
  ingestLagMs: number;
  /** Rows waiting to be written (set by the ingest writer's owner). */
  ingestPending: () => number;
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
    payloadBytesIn: new Counter(
      "fleet_broker_payload_received_bytes_total",
      "Payload bytes of routed PUBLISH packets from clients",
    ),
    payloadBytesOut: new Counter(
      "fleet_broker_payload_sent_bytes_total",
      "Payload bytes of PUBLISH packets delivered to subscribers",
    ),
    connections: new Counter("fleet_broker_connections_total", "MQTT sessions accepted (CONNACK 0)"),
    authFailures: new Counter("fleet_broker_auth_failures_total", "CONNECTs refused, by CONNACK return code"),
    aclDenied: new Counter("fleet_broker_acl_denied_total", "Operations refused by the ACL, by action"),
    clientErrors: new Counter(
      "fleet_broker_client_errors_total",
      "Connections closed because of a protocol or transport error",
    ),
    limitViolations: new Counter(
      "fleet_broker_limit_violations_total",
      "Connections refused or closed for breaking a limit, by limit",
    ),
    offlineDropped: new Counter(
      "fleet_broker_offline_queue_dropped_total",
      "QoS 1/2 messages not queued because a persistent session's queue was full",
    ),
    invalidPayloads: new Counter(
      "fleet_broker_invalid_payloads_total",
      "Fleet messages dropped by ingest because they failed validation, by error code",
    ),
    ingestRows: new Counter("fleet_broker_ingest_rows_total", "Rows written by ingest, by table"),
    ingestDropped: new Counter(
      "fleet_broker_ingest_rows_dropped_total",
      "Rows the database refused (isolated by splitting the batch), by table",
    ),
    ingestBatches: new Counter("fleet_broker_ingest_batches_total", "Ingest batches written"),
    ingestBatchRows: new Counter(
      "fleet_broker_ingest_batch_rows_total",
      "Rows in written ingest batches (divide by batches for the mean batch size)",
    ),
    ingestWriteErrors: new Counter(
      "fleet_broker_ingest_write_errors_total",
      "Ingest batch writes that failed and were retried",
    ),
    devicesRevoked: new Counter(
      "fleet_broker_devices_revoked_total",
      "Connected devices disconnected because they were disabled or deleted",
    ),
  };

  const sum = (pick: (socket: Socket) => number): number => {
    let total = 0;
    for (const socket of openSockets) total += pick(socket);
    return total;
  };

  const families = [
    new Gauge("fleet_broker_connected_clients", "MQTT clients currently connected", () => aedes?.connectedClients ?? 0),
    ...Object.values(metrics),
    new Gauge(
      "fleet_broker_network_received_bytes_total",
      "Bytes read from client sockets",
      () => closedBytes.read + sum((s) => s.bytesRead),
      "counter",
    ),
    new Gauge(
      "fleet_broker_network_sent_bytes_total",
      "Bytes written to client sockets",
      () => closedBytes.written + sum((s) => s.bytesWritten),
      "counter",
    ),
    new Gauge(
      "fleet_broker_ingest_lag_seconds",
      "Age of the oldest message in the last ingest batch when it was committed",
      () => state.ingestLagMs / 1000,
    ),
    new Gauge("fleet_broker_ingest_pending_rows", "Rows waiting for the database", () => state.ingestPending()),
    new Gauge("fleet_broker_uptime_seconds", "Seconds since the broker started", () => (now() - startedAt) / 1000),
  ];

  const result: BrokerMetrics = {
    ...metrics,
    ingestLagMs: 0,
    ingestPending: () => 0,
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
  const state = result;
  return result;
}

/** Size of a PUBLISH payload as aedes hands it over (Buffer, or string for broker-made packets). */
export function payloadLength(payload: unknown): number {
  if (typeof payload === "string") return Buffer.byteLength(payload);
  return payload instanceof Uint8Array ? payload.byteLength : 0;
}
