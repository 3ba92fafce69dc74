// The broker's settings: the one module that reads process.env. The table (settings.ts) is parsed by
// @fleet/settings (flag > environment > default, one-line ConfigErrors); here the typed values become
// a BrokerConfig, with the checks that span several settings.
import { resolve } from "node:path";
import { ConfigError, parseCommandLine, type TEnv, type TSettingValues } from "@fleet/settings";
import type { TLogLevel } from "@fleet/log";
import { BROKER_CLI, type BROKER_SETTINGS, type TSettingName } from "./settings.ts";

export type { TEnv };

export interface BrokerConfig {
  /** Bind address of the MQTT, WebSocket and TLS listeners. */
  readonly host: string;
  /** MQTT over TCP; 0 = any free port. */
  readonly mqttPort: number;
  /** MQTT over WebSocket; 0 = any free port, null = disabled. */
  readonly wsPort: number | null;
  /** HTTP path of the WebSocket (and WSS) endpoint. */
  readonly wsPath: string;
  /** MQTT over TLS (and WSS when wssPort is set); null = no certificate configured. */
  readonly tls: {
    readonly certFile: string;
    readonly keyFile: string;
    readonly port: number;
    readonly wssPort: number | null;
  } | null;
  /** /metrics and /healthz; null = disabled. */
  readonly metrics: { readonly host: string; readonly port: number } | null;
  /** Development only: clients without credentials are admitted, with no rights in fleet/v1/... */
  readonly allowAnonymous: boolean;
  readonly databaseUrl: string | null;
  readonly redisUrl: string | null;
  readonly redisKeyPrefix: string;
  /** Absolute path. */
  readonly dataDir: string;
  readonly logLevel: TLogLevel;
  /** Service accounts file; `required` false when it is only the default path. */
  readonly serviceAccounts: { readonly file: string; readonly required: boolean };
  readonly deviceRecheckMs: number;
  readonly limits: BrokerLimits;
  /** null = ingest off. */
  readonly ingest: { readonly batchRows: number; readonly flushMs: number } | null;
}

export interface BrokerLimits {
  readonly maxPacketBytes: number;
  readonly maxTopicLevels: number;
  /** PUBLISH packets per second per connection; 0 = unlimited. */
  readonly publishRate: number;
  readonly connectTimeoutMs: number;
  /** Accepted keepalive range in seconds, inclusive. */
  readonly keepaliveMin: number;
  readonly keepaliveMax: number;
  readonly offlineQueueMax: number;
}

/** The settings as parsed from the table, before they are put together. */
export type TBrokerSettings = TSettingValues<typeof BROKER_SETTINGS>;

/** What the command line asked for: serving with a config, or `hash-secret`. */
export type TBrokerCommandLine =
  | { readonly command: "serve"; readonly config: BrokerConfig }
  | { readonly command: "hash-secret"; readonly generate: boolean };

/**
 * Validates settings from `env` overridden by flags in `argv` (process.argv without node and script).
 * Pure: reads nothing but its arguments. Throws ConfigError with a one-line message.
 */
export function parseBrokerCommandLine(env: TEnv, argv: readonly string[]): TBrokerCommandLine {
  const parsed = parseCommandLine(BROKER_CLI, { argv, env });
  if (parsed.command === "hash-secret") return { command: "hash-secret", generate: parsed.options.generate };
  return { command: "serve", config: brokerConfigFrom(parsed.config) };
}

/** The config of serving, from `env` and the flags in `argv`. */
export function loadBrokerConfig(env: TEnv, argv: readonly string[] = []): BrokerConfig {
  const parsed = parseBrokerCommandLine(env, argv);
  if (parsed.command === "serve") return parsed.config;
  throw new ConfigError("argv", "hash-secret has no broker settings; see fleet-broker --help", {
    code: "unexpected_argument",
  });
}

/** The typed settings put together, refusing combinations that cannot work. */
export function brokerConfigFrom(settings: TBrokerSettings): BrokerConfig {
  const tls = tlsOf(settings);
  const dataDir = resolve(settings.dataDir);
  const config: BrokerConfig = {
    host: settings.host,
    mqttPort: settings.mqttPort,
    wsPort: settings.wsPort,
    wsPath: settings.wsPath,
    tls,
    metrics: settings.metricsPort === null ? null : { host: settings.metricsHost, port: settings.metricsPort },
    allowAnonymous: settings.allowAnonymous,
    databaseUrl: settings.databaseUrl ?? null,
    redisUrl: settings.redisUrl ?? null,
    redisKeyPrefix: settings.redisKeyPrefix,
    dataDir,
    logLevel: settings.logLevel,
    serviceAccounts:
      settings.serviceAccounts === undefined
        ? { file: resolve(dataDir, "service-accounts.json"), required: false }
        : { file: resolve(settings.serviceAccounts), required: true },
    deviceRecheckMs: settings.deviceRecheckMs,
    limits: {
      maxPacketBytes: settings.maxPacketBytes,
      maxTopicLevels: settings.maxTopicLevels,
      publishRate: settings.publishRate,
      connectTimeoutMs: settings.connectTimeoutMs,
      keepaliveMin: settings.keepaliveMin,
      keepaliveMax: settings.keepaliveMax,
      offlineQueueMax: settings.offlineQueueMax,
    },
    ingest: settings.ingest ? { batchRows: settings.ingestBatchRows, flushMs: settings.ingestFlushMs } : null,
  };
  if (config.limits.keepaliveMin > config.limits.keepaliveMax) {
    throw new ConfigError(
      "MQTT_KEEPALIVE_MIN",
      `MQTT_KEEPALIVE_MIN ${config.limits.keepaliveMin} is above MQTT_KEEPALIVE_MAX ${config.limits.keepaliveMax}`,
      { code: "conflict" },
    );
  }
  assertDistinctPorts(config);
  return config;
}

/** TLS with both a certificate and a key, or neither. */
function tlsOf(settings: TBrokerSettings): BrokerConfig["tls"] {
  const { tlsCert, tlsKey } = settings;
  if (tlsCert === undefined && tlsKey === undefined) return null;
  if (tlsCert === undefined || tlsKey === undefined) {
    const [present, missing] =
      tlsCert === undefined ? ["MQTT_TLS_KEY", "MQTT_TLS_CERT"] : ["MQTT_TLS_CERT", "MQTT_TLS_KEY"];
    throw new ConfigError(missing, `${present} is set but ${missing} is not; set both (or neither) to enable TLS`, {
      code: "conflict",
    });
  }
  return { certFile: tlsCert, keyFile: tlsKey, port: settings.tlsPort, wssPort: settings.wssPort };
}

/** The entry point's view: the real environment and command line. */
export function readBrokerCommandLine(): TBrokerCommandLine {
  return parseBrokerCommandLine(process.env, process.argv.slice(2));
}

// Two listeners on one fixed port would fail later with a confusing "in use"; say it now.
function assertDistinctPorts(config: BrokerConfig): void {
  const listeners: Array<[TSettingName, number | null | undefined]> = [
    ["MQTT_PORT", config.mqttPort],
    ["MQTT_WS_PORT", config.wsPort],
    ["MQTT_TLS_PORT", config.tls?.port],
    ["MQTT_WSS_PORT", config.tls?.wssPort],
    ["METRICS_PORT", config.metrics?.port],
  ];
  const seen = new Map<number, TSettingName>();
  for (const [name, port] of listeners) {
    if (port === null || port === undefined || port === 0) continue;
    const other = seen.get(port);
    if (other !== undefined) {
      throw new ConfigError(name, `${name} ${port} is the same port as ${other}; give each listener its own port`, {
        code: "conflict",
      });
    }
    seen.set(port, name);
  }
}
