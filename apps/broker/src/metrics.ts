// The broker's metrics on prom-client, fed by aedes events, the ACL hooks, ingest and the listeners'
// sockets, served at /metrics. One registry per broker (tests start several brokers in one process,
// so never the global default registry). The per-message counters are unlabelled (a label would cost
// a hash of the label set on every PUBLISH); values read at scrape time use collect callbacks.
import type { Socket } from "node:net";
import type { Aedes } from "aedes";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { classifyClientError } from "./aedes-errors.ts";
import type { TLimit } from "./limits/limit-error.ts";

/** Where CONNECT authentication ends: accepted, refused with a return code, or the check failed. */
export type TAuthOutcome = "accepted" | "refused" | "failed";

export interface BrokerMetrics {
  readonly registry: Registry;
  readonly messagesIn: Counter;
  readonly messagesOut: Counter;
  readonly payloadBytesIn: Counter;
  readonly payloadBytesOut: Counter;
  readonly connections: Counter;
  readonly authFailures: Counter<"return_code">;
  readonly aclDenied: Counter<"action">;
  readonly clientErrors: Counter;
  readonly devicesRevoked: Counter;
  readonly limitViolations: Counter<"limit">;
  readonly offlineDropped: Counter;
  readonly invalidPayloads: Counter<"code">;
  readonly ingestRows: Counter<"table">;
  readonly ingestDropped: Counter<"table">;
  readonly ingestBatches: Counter;
  readonly ingestBatchRows: Counter;
  readonly ingestWriteErrors: Counter;
  /** Seconds from CONNECT to the authentication decision, by outcome. */
  readonly authSeconds: Histogram<"outcome">;
  /** Seconds to write one ingest batch (every table of it) to the database. */
  readonly ingestWriteSeconds: Histogram;
  /** Age of the oldest row of the last batch written, in ms. */
  ingestLagMs: number;
  /** Rows waiting to be written (set by the ingest writer's owner). */
  ingestPending: () => number;
  /** Counts a breach of a limit (one place, so every limit is counted under the same metric). */
  countLimit(limit: TLimit): void;
  /** Count a listener's raw socket towards the network byte totals. */
  trackSocket(socket: Socket): void;
  /** Feed the counters from the broker's events and read its connected-client count. */
  attach(aedes: Aedes): void;
}

// Latencies: a credential check is a cache hit (sub-ms) or a scrypt hash and a query (tens of ms);
// a batch write is one statement per table, slower under load or over a network.
const AUTH_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const INGEST_WRITE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createBrokerMetrics(now: () => number = Date.now): BrokerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const startedAt = now();
  const openSockets = new Set<Socket>();
  const closedBytes = { read: 0, written: 0 };
  let aedes: Aedes | undefined;

  const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers });

  const sum = (pick: (socket: Socket) => number): number => {
    let total = 0;
    for (const socket of openSockets) total += pick(socket);
    return total;
  };
  // Byte totals are counters that only grow (closed sockets are added in), read from the sockets at scrape.
  const socketBytes = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });

  const metrics = {
    registry,
    messagesIn: counter("fleet_broker_messages_received_total", "PUBLISH packets received from clients and routed"),
    messagesOut: counter("fleet_broker_messages_sent_total", "PUBLISH packets delivered to subscribers"),
    payloadBytesIn: counter(
      "fleet_broker_payload_received_bytes_total",
      "Payload bytes of routed PUBLISH packets from clients",
    ),
    payloadBytesOut: counter(
      "fleet_broker_payload_sent_bytes_total",
      "Payload bytes of PUBLISH packets delivered to subscribers",
    ),
    connections: counter("fleet_broker_connections_total", "MQTT sessions accepted (CONNACK 0)"),
    authFailures: counter("fleet_broker_auth_failures_total", "CONNECTs refused, by CONNACK return code", [
      "return_code",
    ]),
    aclDenied: counter("fleet_broker_acl_denied_total", "Operations refused by the ACL, by action", ["action"]),
    clientErrors: counter(
      "fleet_broker_client_errors_total",
      "Connections closed because of a protocol or transport error",
    ),
    limitViolations: counter(
      "fleet_broker_limit_violations_total",
      "Connections refused or closed for breaking a limit, by limit",
      ["limit"],
    ),
    offlineDropped: counter(
      "fleet_broker_offline_queue_dropped_total",
      "QoS 1/2 messages not queued because a persistent session's queue was full",
    ),
    invalidPayloads: counter(
      "fleet_broker_invalid_payloads_total",
      "Fleet messages dropped by ingest because they failed validation, by error code",
      ["code"],
    ),
    ingestRows: counter("fleet_broker_ingest_rows_total", "Rows written by ingest, by table", ["table"]),
    ingestDropped: counter(
      "fleet_broker_ingest_rows_dropped_total",
      "Rows the database refused (isolated by splitting the batch), by table",
      ["table"],
    ),
    ingestBatches: counter("fleet_broker_ingest_batches_total", "Ingest batches written"),
    ingestBatchRows: counter(
      "fleet_broker_ingest_batch_rows_total",
      "Rows in written ingest batches (divide by batches for the mean batch size)",
    ),
    ingestWriteErrors: counter(
      "fleet_broker_ingest_write_errors_total",
      "Ingest batch writes that failed and were retried",
    ),
    devicesRevoked: counter(
      "fleet_broker_devices_revoked_total",
      "Connected devices disconnected because they were disabled or deleted",
    ),
    authSeconds: new Histogram({
      name: "fleet_broker_connect_auth_seconds",
      help: "Time from CONNECT to the authentication decision, by outcome (accepted, refused, failed)",
      labelNames: ["outcome"] as const,
      buckets: AUTH_BUCKETS,
      registers,
    }),
    ingestWriteSeconds: new Histogram({
      name: "fleet_broker_ingest_batch_write_seconds",
      help: "Time to write one ingest batch to the database (successful writes)",
      buckets: INGEST_WRITE_BUCKETS,
      registers,
    }),
  };

  socketBytes(
    "fleet_broker_network_received_bytes_total",
    "Bytes read from client sockets",
    () => closedBytes.read + sum((s) => s.bytesRead),
  );
  socketBytes(
    "fleet_broker_network_sent_bytes_total",
    "Bytes written to client sockets",
    () => closedBytes.written + sum((s) => s.bytesWritten),
  );
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  gauge("fleet_broker_connected_clients", "MQTT clients currently connected", () => aedes?.connectedClients ?? 0);
  gauge(
    "fleet_broker_ingest_lag_seconds",
    "Age of the oldest message in the last ingest batch when it was committed",
    () => result.ingestLagMs / 1000,
  );
  gauge("fleet_broker_ingest_pending_rows", "Rows waiting for the database", () => result.ingestPending());
  gauge("fleet_broker_uptime_seconds", "Seconds since the broker started", () => (now() - startedAt) / 1000);

  const result: BrokerMetrics = {
    ...metrics,
    ingestLagMs: 0,
    ingestPending: () => 0,
    countLimit: (limit) => metrics.limitViolations.inc({ limit }),
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
        metrics.payloadBytesIn.inc(payloadLength(packet.payload));
      });
      broker.on("client", () => metrics.connections.inc());
      // A refused CONNECT also ends in clientError; authFailures counts those.
      const countError = (_client: unknown, error: Error): void => {
        if (classifyClientError(error).kind !== "connect_refused") metrics.clientErrors.inc();
      };
      broker.on("clientError", countError);
      broker.on("connectionError", countError);
    },
  };
  return result;
}

/** Size of a PUBLISH payload as aedes hands it over (Buffer, or string for broker-made packets). */
export function payloadLength(payload: unknown): number {
  if (typeof payload === "string") return Buffer.byteLength(payload);
  return payload instanceof Uint8Array ? payload.byteLength : 0;
}
