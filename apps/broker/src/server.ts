// startBroker: aedes behind the Fleet hooks, listening on TCP, WebSocket, TLS/WSS and /metrics.
import type { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { createServer as createTcpServer, type Server } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import type { Client, PublishPacket } from "aedes";
import type { PrismaClient } from "@fleet/db";
import type { Authenticator } from "./auth/authenticator.ts";
import { prismaDeviceDirectory, type DeviceDirectory } from "./auth/device-directory.ts";
import { createFleetAuthenticator } from "./auth/fleet-authenticator.ts";
import { startRevocationWatch, type RevocationWatch } from "./auth/revocation-watch.ts";
import { loadServiceAccounts } from "./auth/service-accounts.ts";
import type { Principal } from "./auth/principal.ts";
import type { BrokerConfig } from "./config.ts";
import { GuardedAedes } from "./guarded-aedes.ts";
import { guardPacketSize } from "./limits/packet-size-guard.ts";
import type { LimitError } from "./limits/limit-error.ts";
import type { RateLimiter } from "./limits/publish-rate.ts";
import { createMemoryStores, createRedisStores } from "./persistence.ts";
import { createIngestHook } from "./ingest/ingest-hook.ts";
import { createIngestWriter, type IngestWriter } from "./ingest/ingest-writer.ts";
import { createHandlers, type ConnectFacts } from "./handlers/index.ts";
import { openListener, type ListenTarget, type OpenListener } from "./listeners/listener.ts";
import { readTlsMaterial } from "./listeners/tls-files.ts";
import { createWebSocketListener } from "./listeners/websocket.ts";
import { createLogger, logBanner, type Logger } from "@fleet/log";
import { classifyClientError } from "./aedes-errors.ts";
import { createMetricsServer } from "./metrics-server.ts";
import { createBrokerMetrics } from "./metrics.ts";
import { brokerUrls, type BrokerPorts, type BrokerUrls } from "./urls.ts";

export interface BrokerDeps {
  /**
   * The fleet database: device credentials, re-checks of connected devices, telemetry ingest.
   * Without it only service accounts can log in and nothing is ingested.
   */
  readonly database?: PrismaClient;
  /** Replaces the Device-table lookups (tests); defaults to the database's. */
  readonly devices?: DeviceDirectory;
  /** Replaces the whole credential check (tests); default: service accounts, then devices. */
  readonly authenticator?: Authenticator;
  /** Default: JSON lines on stderr at config.logLevel. */
  readonly logger?: Logger;
}

export interface RunningBroker {
  /** Bound ports (the real ones when 0 was configured); null for a disabled listener. */
  readonly ports: BrokerPorts;
  readonly urls: BrokerUrls;
  /** Stops accepting, disconnects every client, closes every listener. Safe to call twice. */
  close(): Promise<void>;
}

const ANONYMOUS_BANNER = [
  "WARNING: MQTT_ALLOW_ANONYMOUS=true - DEVELOPMENT MODE",
  "Clients without credentials are accepted. They have no rights in fleet/v1/...",
  "but may publish and subscribe elsewhere. Never enable this on a reachable network.",
];

export async function startBroker(config: BrokerConfig, deps: BrokerDeps = {}): Promise<RunningBroker> {
  const logger = deps.logger ?? createLogger({ name: "fleet-broker", level: config.logLevel });
  const tlsMaterial = config.tls === null ? null : readTlsMaterial(config.tls.certFile, config.tls.keyFile);
  const metrics = createBrokerMetrics();
  const principals = new WeakMap<Client, Principal>();
  const devices = deps.devices ?? (deps.database === undefined ? null : prismaDeviceDirectory(deps.database));
  const fleetAuthenticator = createFleetAuthenticator({
    services: loadServiceAccounts(config.serviceAccounts.file, config.serviceAccounts.required),
    devices,
  });

  const { limits } = config;
  const storeOptions = {
    offlineQueueMax: limits.offlineQueueMax,
    onQueueDrop: (clientId: string, packet: PublishPacket) => {
      metrics.offlineDropped.inc();
      logger.debug({ clientId, topic: packet.topic.slice(0, 256) }, "offline queue full, message dropped");
    },
  };
  const stores =
    config.redisUrl === null
      ? createMemoryStores(storeOptions)
      : createRedisStores(config.redisUrl, config.redisKeyPrefix, storeOptions);

  const writer: IngestWriter | null =
    deps.database === undefined || config.ingest === null
      ? null
      : createIngestWriter({
          prisma: deps.database,
          ...config.ingest,
          logger,
          stats: {
            onBatch: (rows, lagMs, writeSeconds) => {
              metrics.ingestBatches.inc();
              metrics.ingestBatchRows.inc(rows);
              metrics.ingestWriteSeconds.observe(writeSeconds);
              metrics.ingestLagMs = lagMs;
            },
            onRows: (table, rows) => metrics.ingestRows.inc({ table }, rows),
            onDropped: (table, rows) => metrics.ingestDropped.inc({ table }, rows),
            onWriteError: () => metrics.ingestWriteErrors.inc(),
          },
        });
  if (writer !== null) metrics.ingestPending = () => writer.pending();
  const ingest = writer === null ? null : createIngestHook({ writer, principals, logger, metrics });

  let dropPublish: (packet: PublishPacket) => void = () => {};
  const aedes = new GuardedAedes({
    persistence: stores.persistence,
    ...(stores.mq !== undefined && { mq: stores.mq }),
    maxTopicLevels: limits.maxTopicLevels,
    connectTimeout: limits.connectTimeoutMs,
    ...createHandlers({
      authenticator: deps.authenticator ?? fleetAuthenticator,
      allowAnonymous: config.allowAnonymous,
      logger,
      metrics,
      principals,
      connectFacts: new WeakMap<Client, ConnectFacts>(),
      limits,
      rateLimiters: new WeakMap<Client, RateLimiter>(),
      dropPublish: (packet) => dropPublish(packet),
    }),
    maxClientsIdLength: 64, // MQTT 3.1 clients: as long as a device id
    ...(ingest !== null && { published: ingest.published }),
  });
  if (ingest !== null) {
    aedes.on("clientReady", ingest.onClientReady);
    aedes.on("clientDisconnect", ingest.onClientDisconnect);
  }
  dropPublish = (packet) => aedes.drop(packet);
  // aedes emits "error" (persistence failures) without declaring it; unhandled it would crash the process.
  (aedes as EventEmitter).on("error", (error: Error) => logger.error({ err: error }, "broker error"));
  // Every limit breach, ours or aedes', is counted and logged here, by its code.
  const onBreach = (clientId: string | null, breach: LimitError): void => {
    metrics.countLimit(breach.limit);
    logger.warn({ clientId, limit: breach.limit, err: breach }, "limit exceeded, connection closed");
  };
  const onClientError = (client: Client, error: Error): void => {
    const kind = classifyClientError(error);
    if (kind.kind === "limit") onBreach(client.id ?? null, kind.breach);
    else logger.debug({ clientId: client.id, err: error }, "client error");
  };
  aedes.on("clientError", onClientError);
  aedes.on("connectionError", onClientError);
  await aedes.listen();
  metrics.attach(aedes);
  const revocation: RevocationWatch | null =
    devices === null
      ? null
      : startRevocationWatch({
          listClients: () => aedes.listClients(),
          devices,
          principals,
          intervalMs: config.deviceRecheckMs,
          logger,
          onRevoked: (deviceId) => {
            fleetAuthenticator.evict(deviceId);
            metrics.devicesRevoked.inc();
          },
        });

  // Every transport hands its stream here: the packet-size guard sits between the socket and aedes.
  const handle = (stream: Duplex, req?: IncomingMessage): void => {
    const client = aedes.handle(stream, req);
    guardPacketSize(stream, limits.maxPacketBytes, (breach) => onBreach(client.id ?? null, breach));
  };

  const mqttListeners: OpenListener[] = [];
  let metricsListener: OpenListener | null = null;
  let closing = false;
  const open = async (server: Server, target: Omit<ListenTarget, "host" | "hostSetting">, beforeClose?: () => void) => {
    const listener = await openListener(
      server,
      { host: config.host, hostSetting: "MQTT_HOST", ...target },
      { logger, onSocket: (socket) => metrics.trackSocket(socket), ...(beforeClose && { beforeClose }) },
    );
    mqttListeners.push(listener);
    return listener.port;
  };
  const openWebSocket = (
    port: number,
    setting: "MQTT_WS_PORT" | "MQTT_WSS_PORT",
    tls?: { cert: Buffer; key: Buffer },
  ) => {
    const { server, wss } = createWebSocketListener({
      path: config.wsPath,
      handle,
      // A WebSocket message may carry several MQTT packets; the guard checks each one.
      maxPayload: 2 * limits.maxPacketBytes,
      logger,
      ...(tls && { tls }),
    });
    return open(server, { port, setting }, () => wss.close());
  };

  const shutdown = async (): Promise<void> => {
    closing = true;
    revocation?.stop();
    for (const listener of mqttListeners) listener.stopAccepting();
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    // After the clients are gone (their disconnects are status rows too): flush what was acknowledged.
    await writer?.close();
    await Promise.all(mqttListeners.map((listener) => listener.close()));
    await stores.close();
    await metricsListener?.close();
  };

  try {
    const mqtt = await open(
      createTcpServer((socket) => handle(socket)),
      { port: config.mqttPort, setting: "MQTT_PORT" },
    );
    const ws = config.wsPort === null ? null : await openWebSocket(config.wsPort, "MQTT_WS_PORT");
    let tls: number | null = null;
    let wss: number | null = null;
    if (config.tls !== null && tlsMaterial !== null) {
      tls = await open(
        createTlsServer(tlsMaterial, (socket) => handle(socket)),
        { port: config.tls.port, setting: "MQTT_TLS_PORT" },
      );
      if (config.tls.wssPort !== null) wss = await openWebSocket(config.tls.wssPort, "MQTT_WSS_PORT", tlsMaterial);
    }
    if (config.metrics !== null) {
      metricsListener = await openListener(
        createMetricsServer({ metrics, isHealthy: () => !closing }),
        { host: config.metrics.host, port: config.metrics.port, setting: "METRICS_PORT", hostSetting: "METRICS_HOST" },
        { logger },
      );
    }
    const ports: BrokerPorts = { mqtt, ws, tls, wss, metrics: metricsListener?.port ?? null };
    if (config.allowAnonymous) logBanner(logger, ANONYMOUS_BANNER);
    let closed: Promise<void> | undefined;
    return {
      ports,
      urls: brokerUrls(config, ports),
      close: () => (closed ??= shutdown()),
    };
  } catch (error) {
    await shutdown();
    throw error;
  }
}
