// Every broker setting once: environment name, flag, default, meaning and the schema of its raw value.
// config.ts turns them into a BrokerConfig; `fleet-broker --help` and the README tables follow this list.
import { isIP } from "node:net";
import { defineCli, defineSettings, helpText, type TSetting, ZBooleanString } from "@fleet/settings";
import { z } from "zod";
import { LOG_LEVELS } from "@fleet/log";

const PORT_HINT = "must be a port number 0-65535 (0 = any free port)";

const ZPort = z
  .string()
  .regex(/^\d{1,5}$/, PORT_HINT)
  .transform(Number)
  .refine((port) => port <= 65535, PORT_HINT);

/** A port, or `off` (null) for a listener that may be disabled. */
const ZPortOrOff = z.union([z.literal("off").transform(() => null), ZPort], {
  error: `${PORT_HINT}, or off`,
});

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

const intIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `must be a whole number ${min}-${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number ${min}-${max}`);

export const BROKER_SETTINGS = defineSettings([
  {
    key: "host",
    env: "MQTT_HOST",
    flag: "--host",
    arg: "HOST",
    default: "0.0.0.0",
    meaning: "address the MQTT, WebSocket and TLS listeners bind to",
    schema: ZHost,
  },
  {
    key: "mqttPort",
    env: "MQTT_PORT",
    flag: "--mqtt-port",
    arg: "PORT",
    default: "1883",
    meaning: "MQTT over TCP port (0 = any free port)",
    schema: ZPort,
  },
  {
    key: "wsPort",
    env: "MQTT_WS_PORT",
    flag: "--ws-port",
    arg: "PORT",
    default: "8083",
    meaning: "MQTT over WebSocket port (0 = any free port, off = disabled)",
    schema: ZPortOrOff,
  },
  {
    key: "wsPath",
    env: "MQTT_WS_PATH",
    flag: "--ws-path",
    arg: "PATH",
    default: "/mqtt",
    meaning: "HTTP path of the WebSocket endpoint",
    schema: ZWsPath,
  },
  {
    key: "tlsCert",
    env: "MQTT_TLS_CERT",
    flag: "--tls-cert",
    arg: "FILE",
    meaning: "PEM certificate file; with MQTT_TLS_KEY enables MQTT over TLS (and WSS)",
    schema: ZFile,
  },
  {
    key: "tlsKey",
    env: "MQTT_TLS_KEY",
    flag: "--tls-key",
    arg: "FILE",
    meaning: "PEM private key file of MQTT_TLS_CERT",
    schema: ZFile,
  },
  {
    key: "tlsPort",
    env: "MQTT_TLS_PORT",
    flag: "--tls-port",
    arg: "PORT",
    default: "8883",
    meaning: "MQTT over TLS port when a certificate is set (0 = any free port)",
    schema: ZPort,
  },
  {
    key: "wssPort",
    env: "MQTT_WSS_PORT",
    flag: "--wss-port",
    arg: "PORT",
    default: "8084",
    meaning: "MQTT over secure WebSocket port when a certificate is set (0 = any free port, off = disabled)",
    schema: ZPortOrOff,
  },
  {
    key: "metricsHost",
    env: "METRICS_HOST",
    flag: "--metrics-host",
    arg: "HOST",
    default: "127.0.0.1",
    meaning: "address of the /metrics and /healthz HTTP endpoint",
    schema: ZHost,
  },
  {
    key: "metricsPort",
    env: "METRICS_PORT",
    flag: "--metrics-port",
    arg: "PORT",
    default: "9464",
    meaning: "port of /metrics and /healthz (0 = any free port, off = disabled)",
    schema: ZPortOrOff,
  },
  {
    key: "allowAnonymous",
    env: "MQTT_ALLOW_ANONYMOUS",
    flag: "--allow-anonymous",
    arg: "BOOL",
    default: "false",
    meaning: "DEV ONLY: accept clients without credentials (true/false/1/0); they get no rights in fleet/v1/...",
    schema: ZBooleanString,
    boolean: true,
  },
  {
    key: "databaseUrl",
    env: "DATABASE_URL",
    flag: "--database-url",
    arg: "URL",
    meaning: "postgresql://... of the fleet database; unset = embedded PGlite in FLEET_DATA_DIR",
    schema: urlWithProtocols(["postgres:", "postgresql:"], "postgresql://user:password@host:5432/fleet"),
    secret: true,
  },
  {
    key: "redisUrl",
    env: "REDIS_URL",
    flag: "--redis-url",
    arg: "URL",
    meaning: "redis://... for cluster mode (shared persistence and message bus); unset = in-memory",
    schema: urlWithProtocols(["redis:", "rediss:"], "redis://host:6379"),
    secret: true,
  },
  {
    key: "serviceAccounts",
    env: "MQTT_SERVICE_ACCOUNTS",
    flag: "--service-accounts",
    arg: "FILE",
    meaning:
      "JSON file of service accounts (username, scrypt secretHash, publish/subscribe filters); unset = FLEET_DATA_DIR/service-accounts.json if present",
    schema: ZFile,
  },
  {
    key: "deviceRecheckMs",
    env: "MQTT_DEVICE_RECHECK_MS",
    flag: "--device-recheck-ms",
    arg: "MS",
    default: "2000",
    meaning: "how often connected devices are re-checked; disabled or deleted ones are disconnected",
    schema: intIn(100, 60_000),
  },
  {
    key: "maxPacketBytes",
    env: "MQTT_MAX_PACKET_BYTES",
    flag: "--max-packet-bytes",
    arg: "BYTES",
    default: "262144",
    meaning: "largest MQTT packet accepted (TCP, TLS, WebSocket); a bigger one disconnects its sender",
    schema: intIn(1024, 256 * 1024 * 1024),
  },
  {
    key: "maxTopicLevels",
    env: "MQTT_MAX_TOPIC_LEVELS",
    flag: "--max-topic-levels",
    arg: "N",
    default: "16",
    meaning: "most levels in a topic name or filter (1-100)",
    schema: intIn(1, 100),
  },
  {
    key: "publishRate",
    env: "MQTT_PUBLISH_RATE",
    flag: "--publish-rate",
    arg: "N",
    default: "100",
    meaning:
      "PUBLISH packets per second per connection (bursts up to 2x); exceeding it disconnects (0 = unlimited; service accounts are exempt)",
    schema: intIn(0, 1_000_000),
  },
  {
    key: "connectTimeoutMs",
    env: "MQTT_CONNECT_TIMEOUT_MS",
    flag: "--connect-timeout-ms",
    arg: "MS",
    default: "10000",
    meaning: "time a new connection has to send CONNECT",
    schema: intIn(100, 600_000),
  },
  {
    key: "keepaliveMin",
    env: "MQTT_KEEPALIVE_MIN",
    flag: "--keepalive-min",
    arg: "S",
    default: "1",
    meaning: "smallest keepalive a client may ask for, in seconds (1 refuses 0 = no keepalive)",
    schema: intIn(0, 65535),
  },
  {
    key: "keepaliveMax",
    env: "MQTT_KEEPALIVE_MAX",
    flag: "--keepalive-max",
    arg: "S",
    default: "1200",
    meaning: "largest keepalive a client may ask for, in seconds",
    schema: intIn(1, 65535),
  },
  {
    key: "offlineQueueMax",
    env: "MQTT_OFFLINE_QUEUE_MAX",
    flag: "--offline-queue-max",
    arg: "N",
    default: "1000",
    meaning: "QoS 1/2 messages kept per persistent session; newer ones are dropped (counted) beyond it",
    schema: intIn(1, 10_000_000),
  },
  {
    key: "ingest",
    env: "INGEST_ENABLED",
    flag: "--ingest",
    arg: "BOOL",
    default: "true",
    meaning: "write telemetry, status, reported and events of devices on this node to the database",
    schema: ZBooleanString,
    boolean: true,
  },
  {
    key: "ingestBatchRows",
    env: "INGEST_BATCH_ROWS",
    flag: "--ingest-batch-rows",
    arg: "N",
    default: "2000",
    meaning: "rows per database write; a batch is written when full or every INGEST_FLUSH_MS",
    schema: intIn(1, 10_000),
  },
  {
    key: "ingestFlushMs",
    env: "INGEST_FLUSH_MS",
    flag: "--ingest-flush-ms",
    arg: "MS",
    default: "250",
    meaning: "longest a message waits before its batch is written",
    schema: intIn(1, 60_000),
  },
  {
    key: "redisKeyPrefix",
    env: "REDIS_KEY_PREFIX",
    flag: "--redis-key-prefix",
    arg: "PREFIX",
    default: "fleet:broker:",
    meaning: "prefix of the broker's Redis keys in cluster mode (all nodes of a cluster use the same)",
    schema: z
      .string()
      .max(128)
      .regex(/^[A-Za-z0-9:._-]*$/, "must be letters, digits and :._-"),
  },
  {
    key: "dataDir",
    env: "FLEET_DATA_DIR",
    flag: "--data-dir",
    arg: "DIR",
    default: "./data",
    meaning: "directory for local state (embedded database, ...)",
    schema: z.string().min(1, "must be a directory path"),
  },
  {
    key: "logLevel",
    env: "LOG_LEVEL",
    flag: "--log-level",
    arg: "LEVEL",
    default: "info",
    meaning: "debug, info, warn, error or silent (JSON lines on stderr)",
    schema: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }),
  },
]);

export type TSettingName = (typeof BROKER_SETTINGS)[number]["env"];

/** The command line of `fleet-broker`: serving (no command word) and `hash-secret`. */
export const BROKER_CLI = defineCli({
  bin: "fleet-broker",
  summary: "the Fleet MQTT broker (MQTT 3.1.1 over TCP, WebSocket and TLS) with /metrics and /healthz",
  settings: BROKER_SETTINGS,
  defaultCommand: "serve",
  commands: {
    serve: { summary: "serve MQTT until SIGINT/SIGTERM", implicit: true },
    "hash-secret": {
      summary: "print the scrypt hash of a service account's secret (the secretHash of MQTT_SERVICE_ACCOUNTS)",
      settings: false,
      options: [
        {
          key: "generate",
          flag: "--generate",
          arg: "BOOL",
          default: "false",
          meaning: "generate a random secret, print it and its hash",
          schema: ZBooleanString,
          boolean: true,
        },
      ],
      details: [
        '  printf %s "$SECRET" | fleet-broker hash-secret   hash the secret read from stdin (one trailing newline is ignored)',
        "  fleet-broker hash-secret --generate               generate a random secret, print it and its hash",
        "",
        "With nothing piped in, a secret is generated. Exit codes: 0 done, 2 bad input.",
      ].join("\n"),
    },
  },
  notes: "Exit codes: 0 clean shutdown, 1 runtime failure (e.g. port in use), 2 invalid setting.",
});

/** The row of one setting, by its environment name. */
export function settingSpec(env: TSettingName): TSetting {
  // The list is a literal, so the name always exists.
  return BROKER_SETTINGS.find((spec) => spec.env === env)!;
}

/** `fleet-broker --help`, or `fleet-broker hash-secret --help`. */
export function brokerHelpText(command?: keyof typeof BROKER_CLI.commands): string {
  return helpText(BROKER_CLI, command);
}
