// startBroker: aedes behind the Fleet hooks, listening on TCP, WebSocket, TLS/WSS and /metrics.
import type { EventEmitter } from "node:events";
import { createServer as createTcpServer, type Server } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import type { Client, PublishPacket } from "aedes";
import { refuseAllAuthenticator, type Authenticator } from "./auth/authenticator.ts";
import type { Principal } from "./auth/principal.ts";
import type { BrokerConfig } from "./config.ts";
import { GuardedAedes } from "./guarded-aedes.ts";
import { createHandlers, type ConnectFacts } from "./handlers/index.ts";
import { openListener, type ListenTarget, type OpenListener } from "./listeners/listener.ts";
import { readTlsMaterial } from "./listeners/tls-files.ts";
import { createWebSocketListener } from "./listeners/websocket.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createMetricsServer } from "./metrics-server.ts";
import { createBrokerMetrics } from "./metrics.ts";
import { brokerUrls, type BrokerPorts, type BrokerUrls } from "./urls.ts";

export interface BrokerDeps {
  /** Credential check for clients that present a username; default refuses every credential. */
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
  const logger = deps.logger ?? createLogger({ level: config.logLevel });
  const tlsMaterial = config.tls === null ? null : readTlsMaterial(config.tls.certFile, config.tls.keyFile);
  const metrics = createBrokerMetrics();

  let dropPublish: (packet: PublishPacket) => void = () => {};
  const aedes = new GuardedAedes({
    ...createHandlers({
      authenticator: deps.authenticator ?? refuseAllAuthenticator,
      allowAnonymous: config.allowAnonymous,
      logger,
      metrics,
      principals: new WeakMap<Client, Principal>(),
      connectFacts: new WeakMap<Client, ConnectFacts>(),
      dropPublish: (packet) => dropPublish(packet),
    }),
    maxClientsIdLength: 64, // MQTT 3.1 clients: as long as a device id
  });
  dropPublish = (packet) => aedes.drop(packet);
  // aedes emits "error" (persistence failures) without declaring it; unhandled it would crash the process.
  (aedes as EventEmitter).on("error", (error: Error) => logger.error("broker error", { error }));
  aedes.on("clientError", (client, error) => logger.debug("client error", { clientId: client.id, error }));
  aedes.on("connectionError", (_client, error) => logger.debug("connection error", { error }));
  await aedes.listen();
  metrics.attach(aedes);

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
  const openWebSocket = (port: number, setting: "MQTT_WS_PORT" | "MQTT_WSS_PORT", tls?: { cert: Buffer; key: Buffer }) => {
    const { server, wss } = createWebSocketListener({
      path: config.wsPath,
      handle: (stream, req) => aedes.handle(stream, req),
      logger,
      ...(tls && { tls }),
    });
    return open(server, { port, setting }, () => wss.close());
  };

  const shutdown = async (): Promise<void> => {
    closing = true;
    for (const listener of mqttListeners) listener.stopAccepting();
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await Promise.all(mqttListeners.map((listener) => listener.close()));
    await metricsListener?.close();
  };

  try {
    const mqtt = await open(createTcpServer(aedes.handle), { port: config.mqttPort, setting: "MQTT_PORT" });
    const ws = config.wsPort === null ? null : await openWebSocket(config.wsPort, "MQTT_WS_PORT");
    let tls: number | null = null;
    let wss: number | null = null;
    if (config.tls !== null && tlsMaterial !== null) {
      tls = await open(createTlsServer(tlsMaterial, aedes.handle), { port: config.tls.port, setting: "MQTT_TLS_PORT" });
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
    if (config.allowAnonymous) logger.banner(ANONYMOUS_BANNER);
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
