// The one error of a bad setting or command line, in every bin. Its message is one line naming the
// flag and the variable; a bin prints it after its name and exits with `exitCode` (2), never a stack.

export const CONFIG_ERROR_CODES = [
  "invalid_value", // a setting's value does not pass its schema
  "required", // a setting the command cannot run without is unset
  "conflict", // settings that are valid alone but not together (an app's cross-field check)
  "config_file", // the config file cannot be read, is not JSON, or holds a value of the wrong shape
  "unknown_option", // a flag no setting of this command has
  "missing_value", // a flag that needs a value came without one
  "unexpected_argument", // a positional argument the command does not take
  "missing_argument", // a positional argument the command needs is absent
  "unknown_command", // the first positional argument names no command
] as const;
export type TConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

/** Exit code of a bin refusing its settings (0 done, 1 runtime failure). */
export const CONFIG_EXIT_CODE = 2;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly code: TConfigErrorCode;
  /** The environment variable of the offending setting (its flag when it has none), e.g. `MQTT_PORT`. */
  readonly setting: string;
  readonly exitCode = CONFIG_EXIT_CODE;

  constructor(setting: string, message: string, options: { code?: TConfigErrorCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.setting = setting;
    this.code = options.code ?? "invalid_value";
  }
}
