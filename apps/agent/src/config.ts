import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { LOG_LEVELS } from "@fleet/log";
import { ENGINES, ZDeviceId, type TDeviceId } from "@fleet/protocol";
import { z } from "zod";

// The one place the agent reads its settings. Precedence: flags > FLEET_AGENT_* environment >
// config file (--config / FLEET_AGENT_CONFIG, JSON) > defaults.

const ZBrokerUrl = z
  .string()
  .url()
  .refine((url) => /^(mqtts?|wss?):\/\//.test(url), "must be mqtt://, mqtts://, ws:// or wss://");

const INPUT_KINDS = ["sensor", "http"] as const;
export type TInputKind = (typeof INPUT_KINDS)[number];

/** "sensor,http" (flag/env) or ["sensor", "http"] (config file) → a list without duplicates. */
const ZInputs = z.preprocess(
  (value) =>
    typeof value === "string"
      ? value
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : value,
  z
    .array(z.enum(INPUT_KINDS, { error: "must list sensor and/or http, comma separated" }))
    .transform((list) => [...new Set(list)]),
);

/** "tfjs,onnx" (flag/env) or ["tfjs"] (config file) → a non-empty list without duplicates. */
const ZEngines = z.preprocess(
  (value) =>
    typeof value === "string"
      ? value
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : value,
  z
    .array(z.enum(ENGINES, { error: `must list engines among ${ENGINES.join(", ")}, comma separated` }))
    .min(1, `must name at least one engine (${ENGINES.join(", ")})`)
    .transform((list) => [...new Set(list)]),
);

const positiveNumber = (max: number) =>
  z.coerce.number({ error: "must be a number" }).positive("must be greater than 0").max(max);

export const ZAgentConfig = z.object({
  brokerUrl: ZBrokerUrl.optional(),
  deviceId: ZDeviceId.optional(),
  secret: z
    .string()
    .min(16, "must be at least 16 characters (the console shows it once at provisioning)")
    .max(256)
    .optional(),
  dataDir: z.string().min(1),
  /** ed25519 public key of the console (PEM or base64 SPKI); artifacts must verify against it. */
  publicKey: z.string().min(1).optional(),
  /** CA certificate file for mqtts:// and wss:// brokers with a private CA. */
  caFile: z.string().min(1).optional(),
  deviceClass: z.enum(["gateway", "wearable"]),
  logLevel: z.enum(LOG_LEVELS),
  /** Seconds between telemetry batches. */
  telemetryInterval: positiveNumber(86_400),
  /** Inputs feeding the model: the simulated sensor and/or the local HTTP endpoint. */
  inputs: ZInputs,
  /** Simulated sensor inferences per second (0 = sensor idle). */
  inferRate: z.coerce.number({ error: "must be a number" }).min(0).max(1000),
  /** Port of `POST /infer` on 127.0.0.1 (0 = any free port). */
  httpPort: z.coerce.number({ error: "must be a number" }).int().min(0).max(65_535),
  /** Telemetry batches kept on disk while offline; the oldest are dropped beyond this. */
  queueMax: z.coerce.number({ error: "must be a number" }).int().min(1).max(1_000_000),
  /** Engines variants may run on; of these, the ones that load here are reported and used. */
  engines: ZEngines,
  /** ONNX Runtime intra-op threads for onnx variants (0 = one per core). */
  onnxThreads: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(0).max(256),
  /** Largest variant (manifest + files) the device accepts, in MB. */
  maxModelMb: positiveNumber(1_000_000),
  /** Seed of the simulated sensor and battery (default: derived from the device id). */
  seed: z.coerce
    .number({ error: "must be a number" })
    .int()
    .min(0)
    .max(2 ** 31)
    .optional(),
  /** simulate: number of virtual devices. */
  count: z.coerce.number({ error: "must be a number" }).int().min(1).max(100_000).optional(),
  /** simulate / seed-credentials: JSON or CSV file of { deviceId, secret }. */
  credentials: z.string().min(1).optional(),
  /** seed-credentials: prefix of the generated device ids. */
  idPrefix: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, "must be [a-z0-9-], at most 41 characters")
    .optional(),
});
export type TAgentConfig = z.infer<typeof ZAgentConfig>;
export type TAgentSetting = keyof TAgentConfig;

const SETTINGS = {
  brokerUrl: { flag: "broker", env: "FLEET_AGENT_BROKER_URL" },
  deviceId: { flag: "device-id", env: "FLEET_AGENT_DEVICE_ID" },
  secret: { flag: "secret", env: "FLEET_AGENT_SECRET" },
  dataDir: { flag: "data-dir", env: "FLEET_AGENT_DATA_DIR" },
  publicKey: { flag: "public-key", env: "FLEET_AGENT_PUBLIC_KEY" },
  caFile: { flag: "ca-file", env: "FLEET_AGENT_CA_FILE" },
  deviceClass: { flag: "class", env: "FLEET_AGENT_CLASS" },
  logLevel: { flag: "log-level", env: "FLEET_AGENT_LOG_LEVEL" },
  telemetryInterval: { flag: "telemetry-interval", env: "FLEET_AGENT_TELEMETRY_INTERVAL" },
  inputs: { flag: "inputs", env: "FLEET_AGENT_INPUTS" },
  inferRate: { flag: "infer-rate", env: "FLEET_AGENT_INFER_RATE" },
  httpPort: { flag: "http-port", env: "FLEET_AGENT_HTTP_PORT" },
  queueMax: { flag: "queue-max", env: "FLEET_AGENT_QUEUE_MAX" },
  engines: { flag: "engines", env: "FLEET_AGENT_ENGINES" },
  onnxThreads: { flag: "onnx-threads", env: "FLEET_AGENT_ONNX_THREADS" },
  maxModelMb: { flag: "max-model-mb", env: "FLEET_AGENT_MAX_MODEL_MB" },
  seed: { flag: "seed", env: "FLEET_AGENT_SEED" },
  count: { flag: "count", env: "FLEET_AGENT_SIMULATE_COUNT" },
  credentials: { flag: "credentials", env: "FLEET_AGENT_CREDENTIALS" },
  idPrefix: { flag: "id-prefix", env: "FLEET_AGENT_ID_PREFIX" },
} as const satisfies Record<TAgentSetting, { flag: string; env: string }>;

const DEFAULTS: Partial<Record<TAgentSetting, string>> = {
  dataDir: "./data/agent",
  deviceClass: "gateway",
  logLevel: "info",
  telemetryInterval: "10",
  inputs: "sensor,http",
  inferRate: "1",
  httpPort: "8470",
  queueMax: "8640",
  engines: "tfjs,onnx",
  // Device models are small and run at batch 1, where a thread pool costs more (wake-ups, spinning
  // cores, battery) than it gains; a gateway with a large model can raise it.
  onnxThreads: "1",
  maxModelMb: "256",
};

/** Settings a command cannot run without (others are optional or defaulted). */
const REQUIRED: Record<string, TAgentSetting[]> = {
  run: ["brokerUrl", "deviceId", "secret"],
  config: ["brokerUrl", "deviceId", "secret"],
  simulate: ["brokerUrl", "count"],
  "seed-credentials": ["count", "credentials"],
};

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export interface TParsedCommand {
  command: string | undefined;
  positionals: string[];
  help: boolean;
  config: TAgentConfig;
}

/** What one device needs on top of the shared settings. */
export interface TDeviceIdentity {
  brokerUrl: string;
  deviceId: TDeviceId;
  secret: string;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`config file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
    return parsed as Record<string, unknown>;
  } catch {
    throw new ConfigError(`config file ${file} is not a JSON object`);
  }
}

function describe(key: TAgentSetting): string {
  const setting = SETTINGS[key];
  return `--${setting.flag} (${setting.env})`;
}

/** Validated agent settings; a bad one throws a ConfigError naming the flag and variable. */
export function loadAgentConfig(env: NodeJS.ProcessEnv, argv: string[]): TParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: "string", short: "c" },
        help: { type: "boolean", short: "h" },
        ...Object.fromEntries(Object.values(SETTINGS).map(({ flag }) => [flag, { type: "string" as const }])),
      },
    });
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const flags = values as Record<string, string | boolean | undefined>;
  const configFile = (flags["config"] as string | undefined) ?? env["FLEET_AGENT_CONFIG"];
  const fromFile = configFile ? readConfigFile(configFile) : {};
  const raw: Record<string, unknown> = {};
  for (const [key, { flag, env: name }] of Object.entries(SETTINGS)) {
    raw[key] = flags[flag] ?? (env[name] || undefined) ?? fromFile[key] ?? DEFAULTS[key as TAgentSetting];
  }
  const help = flags["help"] === true;
  const command = positionals[0];
  const result = ZAgentConfig.safeParse(raw);
  if (!result.success) {
    if (help) return { command, positionals, help, config: raw as TAgentConfig };
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0]) as TAgentSetting;
    throw new ConfigError(`${describe(key)} ${issue.message}`);
  }
  if (!help) {
    for (const key of REQUIRED[command ?? ""] ?? []) {
      if (result.data[key] === undefined) throw new ConfigError(`${describe(key)} is required`);
    }
  }
  return { command, positionals: positionals.slice(1), help, config: result.data };
}

/** ONNX Runtime threads for the runtime: 0 (one per core) is its default, undefined. */
export function onnxThreads(config: Pick<TAgentConfig, "onnxThreads">): number | undefined {
  return config.onnxThreads === 0 ? undefined : config.onnxThreads;
}

/** The identity of the single device `run` drives (checked present by loadAgentConfig). */
export function deviceIdentity(config: TAgentConfig): TDeviceIdentity {
  const { brokerUrl, deviceId, secret } = config;
  if (brokerUrl === undefined) throw new ConfigError(`${describe("brokerUrl")} is required`);
  if (deviceId === undefined) throw new ConfigError(`${describe("deviceId")} is required`);
  if (secret === undefined) throw new ConfigError(`${describe("secret")} is required`);
  return { brokerUrl, deviceId, secret };
}

export const HELP = `fleet-agent: runs the assigned quantized model on this device and reports over MQTT

Usage: fleet-agent <command> [settings]

Commands:
  run                 connect, run the assigned model, report telemetry (needs broker, device id, secret)
  engines             load each allowed engine (--engines), run it once and print what works as JSON
  verify DIR          open a variant directory as the agent would (hashes, shapes, engines, self-test),
                      time it and print the result as JSON; exit 2 with the reason when it would be refused
  simulate            run --count virtual devices in one process (credentials from --credentials)
  seed-credentials    write --count generated { deviceId, secret } pairs to --credentials (JSON or .csv)
  config              validate the settings and print them (the secret masked)

Settings (flag > environment > config file key > default):
  --broker URL              FLEET_AGENT_BROKER_URL          brokerUrl          mqtt://, mqtts://, ws:// or wss://
  --device-id ID            FLEET_AGENT_DEVICE_ID           deviceId           [a-z0-9-], at most 64 characters
  --secret S                FLEET_AGENT_SECRET              secret             device secret from provisioning
  --data-dir DIR            FLEET_AGENT_DATA_DIR            dataDir            models, state, queue (default ./data/agent)
  --public-key KEY          FLEET_AGENT_PUBLIC_KEY          publicKey          console's ed25519 public key (PEM, base64 SPKI, or a file)
  --ca-file FILE            FLEET_AGENT_CA_FILE             caFile             CA certificate for TLS brokers
  --class CLASS             FLEET_AGENT_CLASS               deviceClass        gateway | wearable (default gateway)
  --log-level LEVEL         FLEET_AGENT_LOG_LEVEL           logLevel           debug | info | warn | error | silent (default info)
  --telemetry-interval S    FLEET_AGENT_TELEMETRY_INTERVAL  telemetryInterval  seconds between telemetry batches (default 10)
  --inputs LIST             FLEET_AGENT_INPUTS              inputs             sensor,http (default both)
  --infer-rate N            FLEET_AGENT_INFER_RATE          inferRate          simulated sensor inferences per second (default 1)
  --http-port PORT          FLEET_AGENT_HTTP_PORT           httpPort           POST /infer on 127.0.0.1 (default 8470, 0 = any)
  --queue-max N             FLEET_AGENT_QUEUE_MAX           queueMax           telemetry batches kept offline (default 8640)
  --engines LIST            FLEET_AGENT_ENGINES             engines            tfjs,onnx: engines variants may run on (default both;
                                                                               of these, the ones that load are reported and used)
  --onnx-threads N          FLEET_AGENT_ONNX_THREADS        onnxThreads        ONNX Runtime threads per onnx variant (default 1, 0 = one per core)
  --max-model-mb MB         FLEET_AGENT_MAX_MODEL_MB        maxModelMb         largest variant accepted (default 256)
  --seed N                  FLEET_AGENT_SEED                seed               simulated sensor seed (default from device id)
  --count N                 FLEET_AGENT_SIMULATE_COUNT      count              simulate / seed-credentials: devices
  --credentials FILE        FLEET_AGENT_CREDENTIALS         credentials        simulate / seed-credentials: JSON or CSV
  --id-prefix P             FLEET_AGENT_ID_PREFIX           idPrefix           seed-credentials: device id prefix (default sim)
  --config FILE             FLEET_AGENT_CONFIG                                 JSON file with the keys above

Memory (read by bin/fleet-agent.mjs before the agent loads; not for simulate):
                            FLEET_AGENT_V8_FLAGS                               V8 flags applied at start
                                                                               (default "--liftoff-only --optimize-for-size"; "" = none)
`;

/** This process's settings: the one read of process.env in the agent. */
export function readAgentConfig(): TParsedCommand {
  return loadAgentConfig(process.env, process.argv.slice(2));
}
