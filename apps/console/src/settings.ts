// The console's settings once: variable, flag, default, meaning and schema of each. The command line
// (cli/command-line.ts), the Next runtime (config.ts) and the README's table all follow this list.
import path from "node:path";
import { defineSettings, resolveSettings, type TEnv, type TSettingValues } from "@fleet/settings";
import { z } from "zod";

const ZPort = z
  .string()
  .regex(/^\d+$/, "must be an integer from 0 to 65535")
  .transform(Number)
  .refine((port) => port <= 65535, "must be an integer from 0 to 65535");

const ZHost = z
  .string()
  .min(1, "must not be empty")
  .regex(/^[^\s/]+$/, "must be a host name or IP address");

const urlWithProtocols = (protocols: readonly string[], example: string) =>
  z.string().refine((raw) => {
    try {
      const url = new URL(raw);
      return protocols.includes(url.protocol) && url.hostname !== "";
    } catch {
      return false;
    }
  }, `must be a URL like ${example}`);

export const CONSOLE_SETTINGS = defineSettings([
  {
    key: "port",
    env: "CONSOLE_PORT",
    flag: "--port",
    arg: "PORT",
    default: "3000",
    meaning: "HTTP port of the console (0 picks a free port)",
    schema: ZPort,
  },
  {
    key: "host",
    env: "CONSOLE_HOST",
    flag: "--host",
    arg: "HOST",
    default: "0.0.0.0",
    meaning: "interface the console listens on",
    schema: ZHost,
  },
  {
    key: "databaseUrl",
    env: "DATABASE_URL",
    flag: "--database-url",
    arg: "URL",
    meaning: "external PostgreSQL; unset uses the embedded PGlite in FLEET_DATA_DIR/db",
    schema: urlWithProtocols(["postgres:", "postgresql:"], "postgresql://user@host:5432/db"),
    secret: true,
  },
  {
    key: "dataDir",
    env: "FLEET_DATA_DIR",
    flag: "--data-dir",
    arg: "DIR",
    default: "./data",
    meaning: "data directory (embedded database, artifacts, keys), relative to the working directory",
    schema: z.string().min(1, "must not be empty"),
  },
  {
    key: "mqttUrl",
    env: "MQTT_URL",
    flag: "--mqtt-url",
    arg: "URL",
    meaning: "broker URL, e.g. mqtt://localhost:1883; the status page checks it answers",
    schema: urlWithProtocols(["mqtt:", "mqtts:", "ws:", "wss:", "tcp:"], "mqtt://localhost:1883"),
    // mqtt://console:SECRET@host: the console's service account
    secret: true,
  },
  {
    key: "publicUrl",
    env: "CONSOLE_PUBLIC_URL",
    flag: "--public-url",
    arg: "URL",
    meaning: "URL devices and browsers use to reach the console (download links)",
    schema: urlWithProtocols(["http:", "https:"], "https://console.example.com"),
  },
  {
    key: "uploadMaxMb",
    env: "CONSOLE_UPLOAD_MAX_MB",
    flag: "--upload-max-mb",
    arg: "MB",
    default: "1024",
    meaning: "largest model upload (model, calibration and validation files together), in MB",
    schema: z
      .string()
      .regex(/^\d+$/, "must be a whole number of MB from 1 to 1048576")
      .transform(Number)
      .refine((mb) => mb >= 1 && mb <= 1_048_576, "must be a whole number of MB from 1 to 1048576"),
  },
]);

type TConsoleSettings = TSettingValues<typeof CONSOLE_SETTINGS>;

/** The validated settings server code receives: unset ones are null, FLEET_DATA_DIR is absolute. */
export type TConsoleConfig = {
  [K in keyof TConsoleSettings]: undefined extends TConsoleSettings[K]
    ? Exclude<TConsoleSettings[K], undefined> | null
    : TConsoleSettings[K];
};

/** The parsed table as server code sees it, FLEET_DATA_DIR resolved against `cwd`. */
export function consoleConfigFrom(settings: TConsoleSettings, cwd: string): TConsoleConfig {
  return {
    port: settings.port,
    host: settings.host,
    databaseUrl: settings.databaseUrl ?? null,
    dataDir: path.resolve(cwd, settings.dataDir),
    mqttUrl: settings.mqttUrl ?? null,
    publicUrl: settings.publicUrl ?? null,
    uploadMaxMb: settings.uploadMaxMb,
  };
}

/** The settings from an environment alone (the Next runtime's view). Throws a ConfigError. */
export function loadConsoleSettings(env: TEnv, cwd: string = process.cwd()): TConsoleConfig {
  return consoleConfigFrom(resolveSettings(CONSOLE_SETTINGS, { env }), cwd);
}

/** The config as environment variables; loading them back yields the same config. */
export function consoleConfigToEnv(config: TConsoleConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const setting of CONSOLE_SETTINGS) {
    const value = config[setting.key];
    if (value !== null) env[setting.env] = String(value);
  }
  return env;
}
