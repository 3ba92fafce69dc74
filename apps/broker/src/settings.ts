// Every broker setting once: environment name, flag, default and meaning.
// config.ts parses them; `fleet-broker --help` and the README table are printed from this list.

export interface TSettingSpec {
  readonly env: string;
  readonly flag: `--${string}`;
  /** Placeholder of the value in --help, e.g. PORT. */
  readonly arg: string;
  /** Raw default as it would be written in the environment; undefined = unset. */
  readonly default: string | undefined;
  readonly meaning: string;
  /** A flag that may stand alone (`--allow-anonymous` means true). */
  readonly boolean?: true;
  /** Never echo the value in an error message (URLs may carry passwords). */
  readonly secret?: true;
}

export const BROKER_SETTINGS = [
  {
    env: "MQTT_HOST",
    arg: "HOST",
    flag: "--host",
    default: "0.0.0.0",
    meaning: "address the MQTT, WebSocket and TLS listeners bind to",
  },
  {
    env: "MQTT_PORT",
    arg: "PORT",
    flag: "--mqtt-port",
    default: "1883",
    meaning: "MQTT over TCP port (0 = any free port)",
  },
  {
    env: "MQTT_WS_PORT",
    arg: "PORT",
    flag: "--ws-port",
    default: "8083",
    meaning: "MQTT over WebSocket port (0 = any free port, off = disabled)",
  },
  {
    env: "MQTT_WS_PATH",
    arg: "PATH",
    flag: "--ws-path",
    default: "/mqtt",
    meaning: "HTTP path of the WebSocket endpoint",
  },
  {
    env: "MQTT_TLS_CERT",
    arg: "FILE",
    flag: "--tls-cert",
    default: undefined,
    meaning: "PEM certificate file; with MQTT_TLS_KEY enables MQTT over TLS (and WSS)",
  },
  {
    env: "MQTT_TLS_KEY",
    arg: "FILE",
    flag: "--tls-key",
    default: undefined,
    meaning: "PEM private key file of MQTT_TLS_CERT",
  },
  {
    env: "MQTT_TLS_PORT",
    arg: "PORT",
    flag: "--tls-port",
    default: "8883",
    meaning: "MQTT over TLS port when a certificate is set (0 = any free port)",
  },
  {
    env: "MQTT_WSS_PORT",
    arg: "PORT",
    flag: "--wss-port",
    default: "8084",
    meaning: "MQTT over secure WebSocket port when a certificate is set (0 = any free port, off = disabled)",
  },
  {
    env: "METRICS_HOST",
    arg: "HOST",
    flag: "--metrics-host",
    default: "127.0.0.1",
    meaning: "address of the /metrics and /healthz HTTP endpoint",
  },
  {
    env: "METRICS_PORT",
    arg: "PORT",
    flag: "--metrics-port",
    default: "9464",
    meaning: "port of /metrics and /healthz (0 = any free port, off = disabled)",
  },
  {
    env: "MQTT_ALLOW_ANONYMOUS",
    arg: "BOOL",
    flag: "--allow-anonymous",
    default: "false",
    meaning: "DEV ONLY: accept clients without credentials (true/false/1/0); they get no rights in fleet/v1/...",
    boolean: true,
  },
  {
    env: "DATABASE_URL",
    arg: "URL",
    flag: "--database-url",
    default: undefined,
    meaning: "postgresql://... of the fleet database; unset = embedded PGlite in FLEET_DATA_DIR",
    secret: true,
  },
  {
    env: "REDIS_URL",
    arg: "URL",
    flag: "--redis-url",
    default: undefined,
    meaning: "redis://... for cluster mode (shared persistence and message bus); unset = in-memory",
    secret: true,
  },
  {
    env: "MQTT_SERVICE_ACCOUNTS",
    arg: "FILE",
    flag: "--service-accounts",
    default: undefined,
    meaning:
      "JSON file of service accounts (username, scrypt secretHash, publish/subscribe filters); unset = FLEET_DATA_DIR/service-accounts.json if present",
  },
  {
    env: "MQTT_DEVICE_RECHECK_MS",
    arg: "MS",
    flag: "--device-recheck-ms",
    default: "2000",
    meaning: "how often connected devices are re-checked; disabled or deleted ones are disconnected",
  },
  {
    env: "MQTT_MAX_PACKET_BYTES",
    arg: "BYTES",
    flag: "--max-packet-bytes",
    default: "262144",
    meaning: "largest MQTT packet accepted (TCP, TLS, WebSocket); a bigger one disconnects its sender",
  },
  {
    env: "MQTT_MAX_TOPIC_LEVELS",
    arg: "N",
    flag: "--max-topic-levels",
    default: "16",
    meaning: "most levels in a topic name or filter (1-100)",
  },
  {
    env: "MQTT_PUBLISH_RATE",
    arg: "N",
    flag: "--publish-rate",
    default: "100",
    meaning:
      "PUBLISH packets per second per connection (bursts up to 2x); exceeding it disconnects (0 = unlimited; service accounts are exempt)",
  },
  {
    env: "MQTT_CONNECT_TIMEOUT_MS",
    arg: "MS",
    flag: "--connect-timeout-ms",
    default: "10000",
    meaning: "time a new connection has to send CONNECT",
  },
  {
    env: "MQTT_KEEPALIVE_MIN",
    arg: "S",
    flag: "--keepalive-min",
    default: "1",
    meaning: "smallest keepalive a client may ask for, in seconds (1 refuses 0 = no keepalive)",
  },
  {
    env: "MQTT_KEEPALIVE_MAX",
    arg: "S",
    flag: "--keepalive-max",
    default: "1200",
    meaning: "largest keepalive a client may ask for, in seconds",
  },
  {
    env: "MQTT_OFFLINE_QUEUE_MAX",
    arg: "N",
    flag: "--offline-queue-max",
    default: "1000",
    meaning: "QoS 1/2 messages kept per persistent session; newer ones are dropped (counted) beyond it",
  },
  {
    env: "INGEST_ENABLED",
    arg: "BOOL",
    flag: "--ingest",
    default: "true",
    meaning: "write telemetry, status, reported and events of devices on this node to the database",
    boolean: true,
  },
  {
    env: "INGEST_BATCH_ROWS",
    arg: "N",
    flag: "--ingest-batch-rows",
    default: "2000",
    meaning: "rows per database write; a batch is written when full or every INGEST_FLUSH_MS",
  },
  {
    env: "INGEST_FLUSH_MS",
    arg: "MS",
    flag: "--ingest-flush-ms",
    default: "250",
    meaning: "longest a message waits before its batch is written",
  },
  {
    env: "REDIS_KEY_PREFIX",
    arg: "PREFIX",
    flag: "--redis-key-prefix",
    default: "fleet:broker:",
    meaning: "prefix of the broker's Redis keys in cluster mode (all nodes of a cluster use the same)",
  },
  {
    env: "FLEET_DATA_DIR",
    arg: "DIR",
    flag: "--data-dir",
    default: "./data",
    meaning: "directory for local state (embedded database, ...)",
  },
  {
    env: "LOG_LEVEL",
    arg: "LEVEL",
    flag: "--log-level",
    default: "info",
    meaning: "debug, info, warn, error or silent (JSON lines on stderr)",
  },
] as const satisfies readonly TSettingSpec[];

export type TSettingName = (typeof BROKER_SETTINGS)[number]["env"];

export function settingSpec(env: TSettingName): TSettingSpec {
  // The list is a literal, so the name always exists.
  return BROKER_SETTINGS.find((spec) => spec.env === env) as TSettingSpec;
}

export function brokerHelpText(): string {
  const rows = BROKER_SETTINGS.map((spec) => {
    const flag = "boolean" in spec ? `${spec.flag}[=${spec.arg}]` : `${spec.flag} ${spec.arg}`;
    const fallback = spec.default === undefined ? "unset" : spec.default;
    return `  ${flag.padEnd(24)} ${spec.env.padEnd(21)} ${spec.meaning} [default: ${fallback}]`;
  });
  return [
    "Usage: fleet-broker [options]",
    "       fleet-broker hash-secret [--generate]   print the scrypt hash of a service account's secret (see hash-secret --help)",
    "",
    "The Fleet MQTT broker (MQTT 3.1.1 over TCP, WebSocket and TLS) with /metrics and /healthz.",
    "Every option can also be set through its environment variable; flags override the environment.",
    "",
    `  ${"flag".padEnd(24)} ${"environment".padEnd(21)} meaning`,
    ...rows,
    `  ${"-h, --help".padEnd(24)} ${"".padEnd(21)} print this help and exit`,
    "",
    "Exit codes: 0 clean shutdown, 1 runtime failure (e.g. port in use), 2 invalid setting.",
    "",
  ].join("\n");
}
