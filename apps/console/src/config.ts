// The console's settings: the ONE module that reads process.env. Everything else receives a
// validated TConsoleConfig (from main.ts) or asks getConsoleConfig() (inside the Next runtime).
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";

export interface TConsoleConfig {
  /** CONSOLE_PORT / --port; 0 asks the OS for a free port. */
  port: number;
  /** CONSOLE_HOST / --host: interface the HTTP server binds to. */
  host: string;
  /** DATABASE_URL / --database-url: external PostgreSQL; null means the embedded PGlite. */
  databaseUrl: string | null;
  /** FLEET_DATA_DIR / --data-dir, always absolute (embedded db, artifacts, keys live here). */
  dataDir: string;
  /** MQTT_URL / --mqtt-url: the broker the console talks to; null when not configured. */
  mqttUrl: string | null;
  /** CONSOLE_PUBLIC_URL / --public-url: how devices and browsers reach the console. */
  publicUrl: string | null;
  /** CONSOLE_UPLOAD_MAX_MB / --upload-max-mb: largest model upload (all its files together), in MB. */
  uploadMaxMb: number;
}

/** What the command line asked for besides settings. */
export interface TConsoleCommand {
  command: "serve" | "build" | "help" | "create-admin" | "public-key" | "provision-demo";
  /** --dev: serve with `next dev` (hot reload) instead of the production build. */
  dev: boolean;
  /** build --force: rebuild even when the production build matches the sources. */
  force: boolean;
  /** create-admin --email --name --password (the password may also come from CONSOLE_ADMIN_PASSWORD). */
  admin: { email: string | null; name: string | null; password: string | null };
  /** public-key --format pem|base64 (default pem). */
  keyFormat: "pem" | "base64";
  /** provision-demo --count N --out FILE. */
  demo: { count: number; out: string | null };
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** The env variable or flag that is wrong, e.g. "CONSOLE_PORT" or "--port". */
  readonly setting: string;

  constructor(setting: string, message: string) {
    super(message);
    this.setting = setting;
  }
}

type TEnv = Readonly<Record<string, string | undefined>>;

// One row per setting: its env name, its flag, and the zod schema of the raw string.
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

const SETTINGS = {
  port: {
    env: "CONSOLE_PORT",
    flag: "--port",
    default: "3000",
    meaning: "HTTP port of the console (0 picks a free port)",
    schema: ZPort,
  },
  host: {
    env: "CONSOLE_HOST",
    flag: "--host",
    default: "0.0.0.0",
    meaning: "interface the console listens on",
    schema: ZHost,
  },
  databaseUrl: {
    env: "DATABASE_URL",
    flag: "--database-url",
    default: "(unset)",
    meaning: "external PostgreSQL; unset uses the embedded PGlite in FLEET_DATA_DIR/db",
    schema: urlWithProtocols(["postgres:", "postgresql:"], "postgresql://user@host:5432/db"),
  },
  dataDir: {
    env: "FLEET_DATA_DIR",
    flag: "--data-dir",
    default: "./data",
    meaning: "data directory (embedded database, artifacts, keys), relative to the working directory",
    schema: z.string().min(1, "must not be empty"),
  },
  mqttUrl: {
    env: "MQTT_URL",
    flag: "--mqtt-url",
    default: "(unset)",
    meaning: "broker URL, e.g. mqtt://localhost:1883; the status page checks it answers",
    schema: urlWithProtocols(["mqtt:", "mqtts:", "ws:", "wss:", "tcp:"], "mqtt://localhost:1883"),
  },
  publicUrl: {
    env: "CONSOLE_PUBLIC_URL",
    flag: "--public-url",
    default: "(unset)",
    meaning: "URL devices and browsers use to reach the console (download links)",
    schema: urlWithProtocols(["http:", "https:"], "https://console.example.com"),
  },
  uploadMaxMb: {
    env: "CONSOLE_UPLOAD_MAX_MB",
    flag: "--upload-max-mb",
    default: "1024",
    meaning: "largest model upload (model, calibration and validation files together), in MB",
    schema: z
      .string()
      .regex(/^\d+$/, "must be a whole number of MB from 1 to 1048576")
      .transform(Number)
      .refine((mb) => mb >= 1 && mb <= 1_048_576, "must be a whole number of MB from 1 to 1048576"),
  },
} as const;

type TSettingKey = keyof typeof SETTINGS;

const CONSOLE_DEFAULTS = { port: 3000, host: "0.0.0.0", dataDir: "./data", uploadMaxMb: 1024 } as const;

/** For --help and the README: variable, flag, default, meaning. */
export const CONSOLE_SETTINGS_HELP: ReadonlyArray<{ env: string; flag: string; default: string; meaning: string }> =
  Object.values(SETTINGS).map(({ env, flag, default: fallback, meaning }) => ({
    env,
    flag,
    default: fallback,
    meaning,
  }));

function parseSetting<K extends TSettingKey>(
  key: K,
  raw: string,
  source: "env" | "flag",
): z.output<(typeof SETTINGS)[K]["schema"]> {
  const setting = SETTINGS[key];
  const result = setting.schema.safeParse(raw);
  if (result.success) return result.data as z.output<(typeof SETTINGS)[K]["schema"]>;
  const name = source === "env" ? setting.env : setting.flag;
  const why = result.error.issues[0]?.message ?? "is invalid";
  // Never echo a database URL back: it may hold a password.
  const shown = key === "databaseUrl" ? "" : ` (got ${JSON.stringify(raw)})`;
  throw new ConfigError(name, `${name} ${why}${shown}`);
}

function parseFlags(argv: readonly string[]): {
  values: Partial<Record<TSettingKey, string>>;
  command: TConsoleCommand;
} {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "database-url": { type: "string" },
        "data-dir": { type: "string" },
        "mqtt-url": { type: "string" },
        "public-url": { type: "string" },
        "upload-max-mb": { type: "string" },
        dev: { type: "boolean" },
        force: { type: "boolean" },
        email: { type: "string" },
        name: { type: "string" },
        password: { type: "string" },
        format: { type: "string" },
        count: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    // parseArgs explains at length; keep one short line naming the option.
    const message = error instanceof Error ? error.message : String(error);
    const option = /'(-[^']*)'/.exec(message)?.[1];
    const code = (error as NodeJS.ErrnoException).code;
    const line =
      code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option
        ? `unknown option ${option}`
        : (message.split(/\.\s|\n/)[0] ?? message);
    throw new ConfigError(option?.split(" ")[0] ?? "argv", `${line}; see fleet-console --help`);
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  const known =
    first === "build" ||
    first === "serve" ||
    first === "create-admin" ||
    first === "public-key" ||
    first === "provision-demo";
  const unexpected = known ? rest[0] : first;
  if (unexpected !== undefined) {
    throw new ConfigError("argv", `unexpected argument ${JSON.stringify(unexpected)}; see fleet-console --help`);
  }
  const flagValues: Partial<Record<TSettingKey, string>> = {};
  const assign = (key: TSettingKey, value: string | undefined) => {
    if (value !== undefined) flagValues[key] = value;
  };
  assign("port", values.port);
  assign("host", values.host);
  assign("databaseUrl", values["database-url"]);
  assign("dataDir", values["data-dir"]);
  assign("mqttUrl", values["mqtt-url"]);
  assign("publicUrl", values["public-url"]);
  assign("uploadMaxMb", values["upload-max-mb"]);
  const command: TConsoleCommand["command"] = values.help
    ? "help"
    : first === "build" || first === "create-admin" || first === "public-key" || first === "provision-demo"
      ? first
      : "serve";
  const admin = { email: values.email ?? null, name: values.name ?? null, password: values.password ?? null };
  const format = values.format ?? "pem";
  if (format !== "pem" && format !== "base64")
    throw new ConfigError("--format", `--format must be pem or base64 (got ${JSON.stringify(format)})`);
  const countRaw = values.count ?? "10";
  if (!/^\d+$/.test(countRaw) || Number(countRaw) < 1 || Number(countRaw) > 10_000) {
    throw new ConfigError("--count", `--count must be an integer from 1 to 10000 (got ${JSON.stringify(countRaw)})`);
  }
  if (command === "provision-demo" && !values.out)
    throw new ConfigError("--out", "provision-demo needs --out FILE (the credentials for fleet-agent simulate)");
  const demo = { count: Number(countRaw), out: values.out ?? null };
  return {
    values: flagValues,
    command: { command, dev: values.dev ?? false, force: values.force ?? false, admin, keyFormat: format, demo },
  };
}

/**
 * Pure: validates env and argv (flags override env) and resolves FLEET_DATA_DIR against `cwd`.
 * Throws ConfigError with a one-line message naming the setting.
 */
export function loadConsoleConfig(
  env: TEnv,
  argv: readonly string[] = [],
  cwd: string = process.cwd(),
): TConsoleConfig & TConsoleCommand {
  const { values: flags, command } = parseFlags(argv);
  // A flag wins over the environment; an empty env value counts as unset (compose files do that).
  const pick = <K extends TSettingKey>(key: K) => {
    const flag = flags[key];
    if (flag !== undefined) return parseSetting(key, flag, "flag");
    const raw = env[SETTINGS[key].env];
    if (raw === undefined || raw.trim() === "") return undefined;
    return parseSetting(key, raw.trim(), "env");
  };
  const dataDir = pick("dataDir") ?? CONSOLE_DEFAULTS.dataDir;
  const envPassword = env["CONSOLE_ADMIN_PASSWORD"];
  if (command.admin.password === null && envPassword) command.admin.password = envPassword;
  return {
    ...command,
    port: pick("port") ?? CONSOLE_DEFAULTS.port,
    host: pick("host") ?? CONSOLE_DEFAULTS.host,
    databaseUrl: pick("databaseUrl") ?? null,
    dataDir: path.resolve(cwd, dataDir),
    mqttUrl: pick("mqttUrl") ?? null,
    publicUrl: pick("publicUrl") ?? null,
    uploadMaxMb: pick("uploadMaxMb") ?? CONSOLE_DEFAULTS.uploadMaxMb,
  };
}

/** The config as environment variables; loading them back yields the same config. */
export function consoleConfigToEnv(config: TConsoleConfig): Record<string, string> {
  const env: Record<string, string> = {
    CONSOLE_PORT: String(config.port),
    CONSOLE_HOST: config.host,
    FLEET_DATA_DIR: config.dataDir,
    CONSOLE_UPLOAD_MAX_MB: String(config.uploadMaxMb),
  };
  if (config.databaseUrl !== null) env["DATABASE_URL"] = config.databaseUrl;
  if (config.mqttUrl !== null) env["MQTT_URL"] = config.mqttUrl;
  if (config.publicUrl !== null) env["CONSOLE_PUBLIC_URL"] = config.publicUrl;
  return env;
}

// main.ts and the Next server code run in one process but load this module twice (tsx vs. the
// Next bundle), so the validated config is handed over through a process-wide symbol.
const RUNTIME_KEY = Symbol.for("fleet.console.config");
type TRuntimeGlobal = typeof globalThis & { [RUNTIME_KEY]?: TConsoleConfig };

/**
 * Makes `config` the one the Next runtime sees. Also exports it to process.env so a child
 * process (a `next build` worker) reads the same, already resolved values.
 */
export function publishConsoleConfig(config: TConsoleConfig): void {
  (globalThis as TRuntimeGlobal)[RUNTIME_KEY] = config;
  const env = consoleConfigToEnv(config);
  for (const key of Object.values(SETTINGS).map((setting) => setting.env)) {
    if (env[key] === undefined) delete process.env[key];
    else process.env[key] = env[key];
  }
}

/** Only the settings of a loaded command line (what server code and tests pass around). */
export function settingsOf(loaded: TConsoleConfig & TConsoleCommand): TConsoleConfig {
  const {
    command: _command,
    dev: _dev,
    force: _force,
    admin: _admin,
    keyFormat: _keyFormat,
    demo: _demo,
    ...config
  } = loaded;
  return config;
}

/** Reads this process's environment and command line: what bin/fleet-console.mjs runs with. */
export function readConsoleConfig(argv: readonly string[] = process.argv.slice(2)): TConsoleConfig & TConsoleCommand {
  return loadConsoleConfig(process.env, argv);
}

/**
 * Prepares the environment Next reads before `next` is imported: NODE_ENV (the custom server does
 * not set it, and a production server on development React is slow and noisy), and no telemetry
 * (operators run this on their own networks, often offline) unless they opted in explicitly.
 */
export function prepareNextEnv(dev: boolean): void {
  const env = process.env as Record<string, string>;
  env["NODE_ENV"] = dev ? "development" : "production";
  env["NEXT_TELEMETRY_DISABLED"] ??= "1";
}

/** Environment for a child `next build`: the published settings, without Next's telemetry. */
export function buildProcessEnv(): NodeJS.ProcessEnv {
  return { NEXT_TELEMETRY_DISABLED: "1", ...process.env, NODE_ENV: "production" };
}

/** The config inside server code: the one main.ts published, else read from the environment. */
export function getConsoleConfig(): TConsoleConfig {
  const global = globalThis as TRuntimeGlobal;
  const published = global[RUNTIME_KEY];
  if (published) return published;
  const config = settingsOf(loadConsoleConfig(process.env));
  global[RUNTIME_KEY] = config;
  return config;
}
