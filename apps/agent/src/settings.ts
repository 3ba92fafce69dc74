// Every agent setting once (flag, FLEET_AGENT_* variable, config file key, default, meaning, schema)
// and the agent's commands; config.ts parses them, `fleet-agent --help` is written from them.
import { LOG_LEVELS } from "@fleet/log";
import { ENGINES, ZDeviceId } from "@fleet/protocol";
import { defineCli, defineSettings } from "@fleet/settings";
import { z } from "zod";

const INPUT_KINDS = ["sensor", "http"] as const;
export type TInputKind = (typeof INPUT_KINDS)[number];

const ZBrokerUrl = z
  .string()
  .url()
  .refine((url) => /^(mqtts?|wss?):\/\//.test(url), "must be mqtt://, mqtts://, ws:// or wss://");

/** "a, b,a" → ["a", "b", "a"] (a config file's ["a", "b"] arrives as "a,b"). */
const ZCommaList = z.string().transform((raw) =>
  raw
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean),
);

/** "sensor,http" → a list without duplicates. */
const ZInputs = ZCommaList.pipe(
  z
    .array(z.enum(INPUT_KINDS, { error: "must list sensor and/or http, comma separated" }))
    .transform((list) => [...new Set(list)]),
);

/** "tfjs,onnx" → a non-empty list without duplicates. */
const ZEngines = ZCommaList.pipe(
  z
    .array(z.enum(ENGINES, { error: `must list engines among ${ENGINES.join(", ")}, comma separated` }))
    .min(1, `must name at least one engine (${ENGINES.join(", ")})`)
    .transform((list) => [...new Set(list)]),
);

/** The device secret, whichever way it comes (flag, variable, config file or --secret-file). */
export const ZDeviceSecret = z
  .string()
  .min(16, "must be at least 16 characters (the console shows it once at provisioning)")
  .max(256);

const ZNumber = z.coerce.number<string>({ error: "must be a number" });
const positiveNumber = (max: number) => ZNumber.positive("must be greater than 0").max(max);

export const AGENT_SETTINGS = defineSettings([
  {
    key: "brokerUrl",
    env: "FLEET_AGENT_BROKER_URL",
    flag: "--broker",
    arg: "URL",
    meaning: "mqtt://, mqtts://, ws:// or wss://",
    schema: ZBrokerUrl,
  },
  {
    key: "deviceId",
    env: "FLEET_AGENT_DEVICE_ID",
    flag: "--device-id",
    arg: "ID",
    meaning: "[a-z0-9-], at most 64 characters",
    schema: ZDeviceId,
  },
  {
    key: "secret",
    env: "FLEET_AGENT_SECRET",
    flag: "--secret",
    arg: "S",
    meaning:
      "device secret from provisioning; as a flag every user of the device sees it (ps): use FLEET_AGENT_SECRET or --secret-file",
    schema: ZDeviceSecret,
    secret: true,
  },
  {
    key: "secretFile",
    env: "FLEET_AGENT_SECRET_FILE",
    flag: "--secret-file",
    arg: "FILE",
    meaning:
      "file holding the device secret (refused when other users may read it; 0600, or systemd's LoadCredential=)",
    schema: z.string().min(1),
  },
  {
    key: "dataDir",
    env: "FLEET_AGENT_DATA_DIR",
    flag: "--data-dir",
    arg: "DIR",
    default: "./data/agent",
    meaning: "models, state, queue",
    schema: z.string().min(1),
  },
  {
    key: "publicKey",
    env: "FLEET_AGENT_PUBLIC_KEY",
    flag: "--public-key",
    arg: "KEY",
    meaning: "console's ed25519 public key (PEM, base64 SPKI, or a file); artifacts must verify against it",
    schema: z.string().min(1),
  },
  {
    key: "caFile",
    env: "FLEET_AGENT_CA_FILE",
    flag: "--ca-file",
    arg: "FILE",
    meaning: "CA certificate for mqtts:// and wss:// brokers with a private CA",
    schema: z.string().min(1),
  },
  {
    key: "deviceClass",
    env: "FLEET_AGENT_CLASS",
    flag: "--class",
    arg: "CLASS",
    default: "gateway",
    meaning: "gateway | wearable",
    schema: z.enum(["gateway", "wearable"]),
  },
  {
    key: "logLevel",
    env: "FLEET_AGENT_LOG_LEVEL",
    flag: "--log-level",
    arg: "LEVEL",
    default: "info",
    meaning: LOG_LEVELS.join(" | "),
    schema: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }),
  },
  {
    key: "telemetryInterval",
    env: "FLEET_AGENT_TELEMETRY_INTERVAL",
    flag: "--telemetry-interval",
    arg: "S",
    default: "10",
    meaning: "seconds between telemetry batches",
    schema: positiveNumber(86_400),
  },
  {
    key: "inputs",
    env: "FLEET_AGENT_INPUTS",
    flag: "--inputs",
    arg: "LIST",
    default: "sensor,http",
    meaning: "inputs feeding the model: the simulated sensor and/or POST /infer",
    schema: ZInputs,
  },
  {
    key: "inferRate",
    env: "FLEET_AGENT_INFER_RATE",
    flag: "--infer-rate",
    arg: "N",
    default: "1",
    meaning: "simulated sensor inferences per second (0 = sensor idle)",
    schema: ZNumber.min(0).max(1000),
  },
  {
    key: "httpPort",
    env: "FLEET_AGENT_HTTP_PORT",
    flag: "--http-port",
    arg: "PORT",
    default: "8470",
    meaning: "POST /infer on 127.0.0.1 (0 = any free port)",
    schema: ZNumber.int().min(0).max(65_535),
  },
  {
    key: "httpMaxConcurrent",
    env: "FLEET_AGENT_HTTP_MAX_CONCURRENT",
    flag: "--http-max-concurrent",
    arg: "N",
    // Inference runs on one thread and a request may hold a 4 MB body: more at once only queue and
    // cost memory on a small device.
    default: "4",
    meaning: "POST /infer requests handled at once; more are refused with 503 and Retry-After",
    schema: ZNumber.int("must be a whole number").min(1).max(1024),
  },
  {
    key: "queueMax",
    env: "FLEET_AGENT_QUEUE_MAX",
    flag: "--queue-max",
    arg: "N",
    default: "8640",
    meaning: "telemetry batches kept on disk while offline; the oldest are dropped beyond this",
    schema: ZNumber.int().min(1).max(1_000_000),
  },
  {
    key: "engines",
    env: "FLEET_AGENT_ENGINES",
    flag: "--engines",
    arg: "LIST",
    default: "tfjs,onnx",
    meaning: "engines variants may run on; of these, the ones that load here are reported and used",
    schema: ZEngines,
  },
  {
    key: "onnxThreads",
    env: "FLEET_AGENT_ONNX_THREADS",
    flag: "--onnx-threads",
    arg: "N",
    // Device models are small and run at batch 1, where a thread pool costs more (wake-ups, spinning
    // cores, battery) than it gains; a gateway with a large model can raise it.
    default: "1",
    meaning: "ONNX Runtime intra-op threads per onnx variant (0 = one per core)",
    schema: ZNumber.int("must be a whole number").min(0).max(256),
  },
  {
    key: "maxModelMb",
    env: "FLEET_AGENT_MAX_MODEL_MB",
    flag: "--max-model-mb",
    arg: "MB",
    default: "256",
    meaning: "largest variant (manifest + files) the device accepts, in MB",
    schema: positiveNumber(1_000_000),
  },
  {
    key: "seed",
    env: "FLEET_AGENT_SEED",
    flag: "--seed",
    arg: "N",
    meaning: "seed of the simulated sensor and battery (unset: derived from the device id)",
    schema: ZNumber.int()
      .min(0)
      .max(2 ** 31),
  },
  {
    key: "count",
    env: "FLEET_AGENT_SIMULATE_COUNT",
    flag: "--count",
    arg: "N",
    meaning: "simulate / seed-credentials: number of devices",
    schema: ZNumber.int().min(1).max(100_000),
  },
  {
    key: "credentials",
    env: "FLEET_AGENT_CREDENTIALS",
    flag: "--credentials",
    arg: "FILE",
    meaning: "simulate / seed-credentials: JSON or CSV file of { deviceId, secret }",
    schema: z.string().min(1),
  },
  {
    key: "idPrefix",
    env: "FLEET_AGENT_ID_PREFIX",
    flag: "--id-prefix",
    arg: "P",
    default: "sim",
    meaning: "simulate / seed-credentials: prefix of the generated device ids",
    schema: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, "must be [a-z0-9-], at most 41 characters"),
  },
]);

/** The device's own identity, which `run` and `config` cannot do without (and a secret: config.ts). */
const IDENTITY = ["brokerUrl", "deviceId"] as const;

export const AGENT_CLI = defineCli({
  bin: "fleet-agent",
  summary: "runs the assigned quantized model on this device and reports over MQTT",
  settings: AGENT_SETTINGS,
  configFile: {
    flag: "--config",
    short: "c",
    env: "FLEET_AGENT_CONFIG",
    arg: "FILE",
    meaning: "JSON file with the config keys above",
  },
  commands: {
    run: { summary: "connect, run the assigned model, report telemetry", requires: IDENTITY },
    engines: { summary: "load each allowed engine (--engines), run it once and print what works as JSON" },
    verify: {
      summary:
        "open a variant directory as the agent would (hashes, shapes, engines, self-test), time it and print the result as JSON; exit 2 with the reason when it would be refused",
      positionals: [{ key: "dir", arg: "DIR", meaning: "the variant directory (manifest.json and its files)" }],
    },
    simulate: {
      summary: "run --count virtual devices in one process (credentials from --credentials, else generated)",
      requires: ["brokerUrl", "count"],
    },
    "seed-credentials": {
      summary: "write --count generated { deviceId, secret } pairs to --credentials (JSON or .csv)",
      requires: ["count", "credentials"],
    },
    config: { summary: "validate the settings and print them (the secret masked)", requires: IDENTITY },
  },
  notes: [
    "Device secret (run and config need one): --secret-file FILE or FLEET_AGENT_SECRET_FILE (a file of mode 0600;",
    "  refused when other users may read it, a warning when its group may), or FLEET_AGENT_SECRET. --secret S still",
    "  works but puts the secret in the process list (ps, /proc/PID/cmdline), which every user of the device reads.",
    "",
    "Memory (read by bin/fleet-agent.mjs before the agent loads; not for simulate):",
    '  FLEET_AGENT_V8_FLAGS  V8 flags applied at start (default "--liftoff-only --optimize-for-size"; "" = none)',
  ].join("\n"),
});
