// @fleet/log: the logger of every Fleet process (pino) and the bins' machine-readable ready line.
export {
  createLogger,
  logBanner,
  rootLogger,
  setRootLogger,
  silentLogger,
  type CreateLoggerOptions,
  type Logger,
  type TLogDestination,
} from "./create-logger.ts";
export { LOG_LEVELS, ZLogLevel, type TLogLevel } from "./levels.ts";
export { box, formatPretty, prettyDestination } from "./pretty.ts";
export { REDACT_PATHS, REDACTED, redactUrlUserInfo } from "./redact.ts";
export { sanitizeFields, serializeError, type TSerializedError } from "./serialize-error.ts";
export {
  findReadyLine,
  formatReadyLine,
  parseReadyLine,
  printReadyLine,
  ZReadyLine,
  type TReadyLine,
  type TReadyUrls,
} from "./ready-line.ts";
