// @fleet/settings: one settings table per bin, parsed once at start (flag > environment > config
// file > default), typed results, one ConfigError, and --help written from the table.
export { parseCommandLine, helpRequest, type TCommandLineInput } from "./command-line.ts";
export { CONFIG_ERROR_CODES, CONFIG_EXIT_CODE, ConfigError, type TConfigErrorCode } from "./config-error.ts";
export { parseConfigFile, readConfigFile, type TConfigFileValues, type TReadTextFile } from "./config-file.ts";
export {
  defineCli,
  defineSettings,
  describeSetting,
  settingName,
  type TArgs,
  type TCli,
  type TCommand,
  type TCommandLine,
  type TCommandsOf,
  type TConfigFile,
  type TEnv,
  type TPositional,
  type TRawSchema,
  type TSetting,
  type TSettingValues,
} from "./define.ts";
export { helpText } from "./help-text.ts";
export { maskSecrets, resolveSetting, resolveSettings, type TSettingSources } from "./resolve-settings.ts";
export { ZBooleanString } from "./schemas.ts";
