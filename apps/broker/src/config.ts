// The broker's settings: the one module that reads process.env. Flags override the environment,
// every value is validated with zod, and a bad one becomes a one-line ConfigError.
import { isIP } from "node:net";
import { resolve } from "node:path";
import { z } from "zod";
import { parseFlags } from "./argv.ts";
import { ConfigError } from "./errors.ts";
import { LOG_LEVELS, type TLogLevel } from "@fleet/log";
import { settingSpec, type TSettingName } from "./settings.ts";

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

export type TEnv = Readonly<Record<string, string | undefined>>;

const PORT_HINT = "must be a port number 0-65535 (0 = any free port)";

const ZPort = z
  .string()
  .regex(/^\d{1,5}$/, PORT_HINT)
  .transform(Number)
  .refine((port) => port <= 65535, PORT_HINT);

const ZPortOrOff = z.union([z.literal("off").transform(() => null), ZPort], {
  error: `${PORT_HINT}, or off`,
});

const ZBoolean = z
  .string()
  .transform((raw) => raw.toLowerCase())
  .pipe(z.enum(["true", "false", "1", "0"], { error: "must be true, false, 1 or 0" }))
  .transform((raw) => raw === "true" || raw === "1");

const ZHost = z
  .string()
  .refine(
    (host) => isIP(host) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(host),
    "must be an IP address or a host name",
  );

const ZWsPath = z.string().regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/, 'must be an HTTP path starting with "/"');

const ZFile = z.string().min(1, "must be a file path");

const urlWithProtocols = (protocols: readonly string[], example: string) =>
  z.string().refine((raw) => {
    if (!URL.canParse(raw)) return false;
    return protocols.includes(new URL(raw).protocol);
  }, `must be a URL like ${example}`);

const ZDatabaseUrl = urlWithProtocols(["postgres:", "postgresql:"], "postgresql://user:password@host:5432/fleet");
const ZRedisUrl = urlWithProtocols(["redis:", "rediss:"], "redis://host:6379");

const intIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `must be a whole number ${min}-${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number ${min}-${max}`);

const ZLogLevel = z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` });

/**
 * Validates settings from `env` overridden by flags in `argv` (process.argv without node and script).
 * Pure: reads nothing but its arguments. Throws ConfigError with a one-line message.
 */
export function loadBrokerConfig(env: TEnv, argv: readonly string[] = []): BrokerConfig {
  const flags = parseFlags(argv);

  /** Flag, else environment (`FOO=` in a compose file means unset), else the default. */
  const rawValue = (name: TSettingName): { raw: string; label: string } | null => {
    const spec = settingSpec(name);
    const fromFlag = flags.get(name);
    if (fromFlag !== undefined) return { raw: fromFlag, label: spec.flag };
    const fromEnv = env[name];
    if (fromEnv !== undefined && fromEnv !== "") return { raw: fromEnv, label: name };
    return spec.default === undefined ? null : { raw: spec.default, label: name };
  };

  const parse = <T>(
    name: TSettingName,
    { raw, label }: { raw: string; label: string },
    schema: z.ZodType<T, string>,
  ): T => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const shown = settingSpec(name).secret ? "" : ` ${JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw)}`;
    throw new ConfigError(name, `invalid ${label}${shown}: ${parsed.error.issues[0]?.message ?? "is invalid"}`);
  };

  /** For settings with a default, which therefore always have a value. */
  const read = <T>(name: TSettingName, schema: z.ZodType<T, string>): T => {
    const value = rawValue(name);
    if (value === null) throw new ConfigError(name, `${name} is required`);
    return parse(name, value, schema);
  };

  /** null when the setting is unset and has no default. */
  const readOptional = <T>(name: TSettingName, schema: z.ZodType<T, string>): T | null => {
    const value = rawValue(name);
    return value === null ? null : parse(name, value, schema);
  };

  const host = read("MQTT_HOST", ZHost);
  const mqttPort = read("MQTT_PORT", ZPort);
  const wsPort = read("MQTT_WS_PORT", ZPortOrOff);
  const wsPath = read("MQTT_WS_PATH", ZWsPath);
  const certFile = readOptional("MQTT_TLS_CERT", ZFile);
  const keyFile = readOptional("MQTT_TLS_KEY", ZFile);
  const metricsPort = read("METRICS_PORT", ZPortOrOff);

  if ((certFile === null) !== (keyFile === null)) {
    const [present, missing] =
      certFile === null ? ["MQTT_TLS_KEY", "MQTT_TLS_CERT"] : ["MQTT_TLS_CERT", "MQTT_TLS_KEY"];
    throw new ConfigError(missing, `${present} is set but ${missing} is not; set both (or neither) to enable TLS`);
  }
  const tls =
    certFile !== null && keyFile !== null
      ? { certFile, keyFile, port: read("MQTT_TLS_PORT", ZPort), wssPort: read("MQTT_WSS_PORT", ZPortOrOff) }
      : null;

  const config: BrokerConfig = {
    host,
    mqttPort,
    wsPort,
    wsPath,
    tls,
    metrics: metricsPort === null ? null : { host: read("METRICS_HOST", ZHost), port: metricsPort },
    allowAnonymous: read("MQTT_ALLOW_ANONYMOUS", ZBoolean),
    databaseUrl: readOptional("DATABASE_URL", ZDatabaseUrl),
    redisUrl: readOptional("REDIS_URL", ZRedisUrl),
    redisKeyPrefix: read(
      "REDIS_KEY_PREFIX",
      z
        .string()
        .max(128)
        .regex(/^[A-Za-z0-9:._-]*$/, "must be letters, digits and :._-"),
    ),
    dataDir: resolve(read("FLEET_DATA_DIR", z.string().min(1, "must be a directory path"))),
    logLevel: read("LOG_LEVEL", ZLogLevel),
    serviceAccounts: serviceAccountsFile(
      readOptional("MQTT_SERVICE_ACCOUNTS", ZFile),
      read("FLEET_DATA_DIR", z.string().min(1)),
    ),
    deviceRecheckMs: read("MQTT_DEVICE_RECHECK_MS", intIn(100, 60_000)),
    limits: {
      maxPacketBytes: read("MQTT_MAX_PACKET_BYTES", intIn(1024, 256 * 1024 * 1024)),
      maxTopicLevels: read("MQTT_MAX_TOPIC_LEVELS", intIn(1, 100)),
      publishRate: read("MQTT_PUBLISH_RATE", intIn(0, 1_000_000)),
      connectTimeoutMs: read("MQTT_CONNECT_TIMEOUT_MS", intIn(100, 600_000)),
      keepaliveMin: read("MQTT_KEEPALIVE_MIN", intIn(0, 65535)),
      keepaliveMax: read("MQTT_KEEPALIVE_MAX", intIn(1, 65535)),
      offlineQueueMax: read("MQTT_OFFLINE_QUEUE_MAX", intIn(1, 10_000_000)),
    },
    ingest: read("INGEST_ENABLED", ZBoolean)
      ? { batchRows: read("INGEST_BATCH_ROWS", intIn(1, 10_000)), flushMs: read("INGEST_FLUSH_MS", intIn(1, 60_000)) }
      : null,
  };
  if (config.limits.keepaliveMin > config.limits.keepaliveMax) {
    throw new ConfigError(
      "MQTT_KEEPALIVE_MIN",
      `MQTT_KEEPALIVE_MIN ${config.limits.keepaliveMin} is above MQTT_KEEPALIVE_MAX ${config.limits.keepaliveMax}`,
    );
  }
  assertDistinctPorts(config);
  return config;
}

function serviceAccountsFile(file: string | null, dataDir: string): BrokerConfig["serviceAccounts"] {
  return file === null
    ? { file: resolve(dataDir, "service-accounts.json"), required: false }
    : { file: resolve(file), required: true };
}

/** The entry point's view: the real environment and command line. */
export function loadBrokerConfigFromProcess(): BrokerConfig {
  return loadBrokerConfig(process.env, process.argv.slice(2));
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
      throw new ConfigError(name, `${name} ${port} is the same port as ${other}; give each listener its own port`);
    }
    seen.set(port, name);
  }
}
