import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ZDeviceId } from "@fleet/protocol";
import { z } from "zod";

// The one place the agent reads its settings. Precedence: flags > FLEET_AGENT_* environment >
// config file (--config / FLEET_AGENT_CONFIG, JSON) > defaults.

const ZBrokerUrl = z
  .string()
  .url()
  .refine((url) => /^(mqtts?|wss?):\/\//.test(url), "must be mqtt://, mqtts://, ws:// or wss://");

export const ZAgentConfig = z.object({
  brokerUrl: ZBrokerUrl,
  deviceId: ZDeviceId,
  secret: z.string().min(16, "must be at least 16 characters (the console shows it once at provisioning)").max(256),
  dataDir: z.string().min(1),
  /** ed25519 public key of the console (PEM or base64 SPKI); artifacts must verify against it. */
  publicKey: z.string().min(1).optional(),
  /** CA certificate file for mqtts:// and wss:// brokers with a private CA. */
  caFile: z.string().min(1).optional(),
  deviceClass: z.enum(["gateway", "wearable"]),
  logLevel: z.enum(["debug", "info", "warn", "error"]),
});
export type TAgentConfig = z.infer<typeof ZAgentConfig>;

const SETTINGS = {
  brokerUrl: { flag: "broker", env: "FLEET_AGENT_BROKER_URL" },
  deviceId: { flag: "device-id", env: "FLEET_AGENT_DEVICE_ID" },
  secret: { flag: "secret", env: "FLEET_AGENT_SECRET" },
  dataDir: { flag: "data-dir", env: "FLEET_AGENT_DATA_DIR" },
  publicKey: { flag: "public-key", env: "FLEET_AGENT_PUBLIC_KEY" },
  caFile: { flag: "ca-file", env: "FLEET_AGENT_CA_FILE" },
  deviceClass: { flag: "class", env: "FLEET_AGENT_CLASS" },
  logLevel: { flag: "log-level", env: "FLEET_AGENT_LOG_LEVEL" },
} as const satisfies Record<keyof TAgentConfig, { flag: string; env: string }>;

const DEFAULTS: Partial<Record<keyof TAgentConfig, string>> = {
  dataDir: "./data/agent",
  deviceClass: "gateway",
  logLevel: "info",
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
    raw[key] = flags[flag] ?? (env[name] || undefined) ?? fromFile[key] ?? DEFAULTS[key as keyof TAgentConfig];
  }
  const help = flags["help"] === true;
  const result = ZAgentConfig.safeParse(raw);
  if (!result.success) {
    if (help) return { command: positionals[0], positionals, help, config: raw as TAgentConfig };
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0]) as keyof typeof SETTINGS;
    const setting = SETTINGS[key];
    const problem = raw[key] === undefined ? "is required" : issue.message;
    throw new ConfigError(`--${setting.flag} (${setting.env}) ${problem}`);
  }
  return { command: positionals[0], positionals: positionals.slice(1), help, config: result.data };
}

export const HELP = `fleet-agent: runs the assigned quantized model on this device and reports over MQTT

Usage: fleet-agent <command> [settings]

Commands:
  config    validate the settings and print them (the secret masked)

Settings (flag > environment > config file key > default):
  --broker URL        FLEET_AGENT_BROKER_URL   brokerUrl    mqtt://, mqtts://, ws:// or wss:// (required)
  --device-id ID      FLEET_AGENT_DEVICE_ID    deviceId     [a-z0-9-], at most 64 characters (required)
  --secret S          FLEET_AGENT_SECRET       secret       device secret from provisioning (required)
  --data-dir DIR      FLEET_AGENT_DATA_DIR     dataDir      models and state (default ./data/agent)
  --public-key KEY    FLEET_AGENT_PUBLIC_KEY   publicKey    console's ed25519 public key for artifacts
  --ca-file FILE      FLEET_AGENT_CA_FILE      caFile       CA certificate for TLS brokers
  --class CLASS       FLEET_AGENT_CLASS        deviceClass  gateway | wearable (default gateway)
  --log-level LEVEL   FLEET_AGENT_LOG_LEVEL    logLevel     debug | info | warn | error (default info)
  --config FILE       FLEET_AGENT_CONFIG                    JSON file with the keys above
`;

/** This process's settings: the one read of process.env in the agent. */
export function readAgentConfig(): TParsedCommand {
  return loadAgentConfig(process.env, process.argv.slice(2));
}
