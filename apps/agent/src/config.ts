// The one place the agent reads its settings. Precedence: flags > FLEET_AGENT_* environment >
// config file (--config / FLEET_AGENT_CONFIG, JSON) > defaults; the table is settings.ts.
import { readFileSync } from "node:fs";
import type { TDeviceId } from "@fleet/protocol";
import { ConfigError, parseCommandLine, type TCommandLine, type TEnv, type TSettingValues } from "@fleet/settings";
import { readSecretFile, SECRET_FILE_SETTING, type TSecretFileContent } from "./secret-file.ts";
import { AGENT_CLI, type AGENT_SETTINGS, ZDeviceSecret } from "./settings.ts";

export type { TInputKind } from "./settings.ts";

export type TAgentConfig = TSettingValues<typeof AGENT_SETTINGS>;
export type TAgentSetting = keyof TAgentConfig;

/** The command line: which command, its settings (typed per command), its arguments. */
export type TAgentCommandLine = TCommandLine<typeof AGENT_CLI.settings, typeof AGENT_CLI.commands>;

/** What one device needs on top of the shared settings. */
export interface TDeviceIdentity {
  brokerUrl: string;
  deviceId: TDeviceId;
  secret: string;
}

/** Validated agent settings; a bad one throws a ConfigError naming the flag and variable. */
export function loadAgentConfig(env: TEnv, argv: readonly string[]): TAgentCommandLine {
  return parseCommandLine(AGENT_CLI, { argv, env, readTextFile: (file) => readFileSync(file, "utf8") });
}

/** ONNX Runtime threads for the runtime: 0 (one per core) is its default, undefined. */
export function onnxThreads(config: Pick<TAgentConfig, "onnxThreads">): number | undefined {
  return config.onnxThreads === 0 ? undefined : config.onnxThreads;
}

/** The secret given on the command line: the process list shows it to every user of the device. */
function secretOnCommandLine(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === "--secret" || arg.startsWith("--secret="));
}

/**
 * The identity of the single device `run` drives: broker and id from the settings, the secret from
 * exactly one of --secret-file / FLEET_AGENT_SECRET_FILE (read here), FLEET_AGENT_SECRET or --secret.
 * `warnings` say what the operator should change (a secret on the command line, a group-readable file).
 */
export function deviceIdentity(
  config: TAgentConfig,
  options: {
    /** the command line the settings came from (a --secret there earns a warning) */
    argv?: readonly string[];
    readFile?: (file: string) => TSecretFileContent;
  } = {},
): { identity: TDeviceIdentity; warnings: string[] } {
  const { brokerUrl, deviceId, secret, secretFile } = config;
  if (brokerUrl === undefined || deviceId === undefined)
    throw new ConfigError("FLEET_AGENT_DEVICE_ID", "run needs --broker and --device-id", { code: "required" });
  const warnings: string[] = [];
  if (secretFile !== undefined && secret !== undefined)
    throw new ConfigError(
      SECRET_FILE_SETTING,
      "--secret-file (FLEET_AGENT_SECRET_FILE) and --secret (FLEET_AGENT_SECRET) are both set; give the secret one way",
      { code: "conflict" },
    );
  if (secretFile !== undefined) {
    const content = (options.readFile ?? readSecretFile)(secretFile);
    const checked = ZDeviceSecret.safeParse(content.secret);
    if (!checked.success)
      throw new ConfigError(
        SECRET_FILE_SETTING,
        `--secret-file (FLEET_AGENT_SECRET_FILE) ${secretFile}: the secret ${checked.error.issues[0]?.message ?? "is invalid"}`,
      );
    if (content.warning) warnings.push(content.warning);
    return { identity: { brokerUrl, deviceId, secret: checked.data }, warnings };
  }
  if (secret === undefined)
    throw new ConfigError(
      "FLEET_AGENT_SECRET",
      "the device secret is required: --secret-file FILE (FLEET_AGENT_SECRET_FILE) or FLEET_AGENT_SECRET",
      { code: "required" },
    );
  if (secretOnCommandLine(options.argv ?? []))
    warnings.push(
      "--secret on the command line is visible to every user of this device (ps, /proc/PID/cmdline); use --secret-file FILE or FLEET_AGENT_SECRET",
    );
  return { identity: { brokerUrl, deviceId, secret }, warnings };
}

/** This process's command line (kept for deviceIdentity's warning). */
export const commandLineArgs: readonly string[] = process.argv.slice(2);

/**
 * This process's settings: the one read of process.env in the agent. The secret's variable is then
 * removed from it, so that the processes the agent starts (the engine probe) do not inherit it.
 */
export function readAgentConfig(): TAgentCommandLine {
  const parsed = loadAgentConfig(process.env, commandLineArgs);
  delete process.env["FLEET_AGENT_SECRET"];
  return parsed;
}
