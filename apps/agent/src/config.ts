// The one place the agent reads its settings. Precedence: flags > FLEET_AGENT_* environment >
// config file (--config / FLEET_AGENT_CONFIG, JSON) > defaults; the table is settings.ts.
import { readFileSync } from "node:fs";
import type { TDeviceId } from "@fleet/protocol";
import { ConfigError, parseCommandLine, type TCommandLine, type TEnv, type TSettingValues } from "@fleet/settings";
import { AGENT_CLI, type AGENT_SETTINGS } from "./settings.ts";

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

/** The identity of the single device `run` drives (its command line requires all three). */
export function deviceIdentity(config: TAgentConfig): TDeviceIdentity {
  const { brokerUrl, deviceId, secret } = config;
  if (brokerUrl === undefined || deviceId === undefined || secret === undefined)
    throw new ConfigError("FLEET_AGENT_DEVICE_ID", "run needs --broker, --device-id and --secret", {
      code: "required",
    });
  return { brokerUrl, deviceId, secret };
}

/** This process's settings: the one read of process.env in the agent. */
export function readAgentConfig(): TAgentCommandLine {
  return loadAgentConfig(process.env, process.argv.slice(2));
}
