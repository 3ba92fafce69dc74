// The Fleet logger: pino, configured once for every process (Fastify's habit). One root logger per
// process; modules take child loggers that carry their ids (`logger.child({ deviceId })`). Entries are
// JSON lines on stderr (stdout is kept for a bin's output and its ready line), pretty only on a TTY.
import { type DestinationStream, type Logger as PinoLogger, pino } from "pino";
import type { TLogLevel } from "./levels.ts";
import { prettyDestination } from "./pretty.ts";
import { REDACT_PATHS, REDACTED, redactUrlUserInfo } from "./redact.ts";
import { sanitizeFields, serializeError } from "./serialize-error.ts";

export type Logger = PinoLogger;

/** Where entries go: anything with write(line). */
export type TLogDestination = DestinationStream;

export interface CreateLoggerOptions {
  /** The process, e.g. `fleet-broker`: the `name` of every entry. */
  readonly name: string;
  readonly level: TLogLevel;
  /** Default: stderr, pretty-printed when it is a TTY. */
  readonly destination?: TLogDestination;
  /** Fields on every entry of this logger (e.g. the device id of a single-device agent). */
  readonly bindings?: Readonly<Record<string, unknown>>;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const logger = pino(
    {
      level: options.level,
      base: { name: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names, as LOG_LEVEL spells them, so a shipped log is filtered without a number table.
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => sanitizeFields(bindings) as Record<string, unknown>,
        log: (fields) => sanitizeFields(fields) as Record<string, unknown>,
      },
      // formatters.log has already made every Error a plain { message, code }; this replaces pino's
      // default `err` serializer, which would add a stack, and passes any other value through.
      serializers: { err: (value: unknown) => (value instanceof Error ? serializeError(value) : value) },
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      hooks: {
        // The message text too may carry a URL with a password.
        logMethod(args, method) {
          const clean = args.map((arg) => (typeof arg === "string" ? redactUrlUserInfo(arg) : arg));
          return method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? defaultDestination(),
  );
  // pino formats only the root's bindings; children (Object.create of their parent) inherit this
  // child(), so their bindings are made safe the same way.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, sanitizeFields(bindings) as typeof bindings, childOptions);
  } as typeof child;
  return options.bindings === undefined ? logger : logger.child(options.bindings);
}

function defaultDestination(): TLogDestination {
  if (process.stderr.isTTY) return prettyDestination(process.stderr);
  // Synchronous: a line logged just before process.exit() is not lost.
  return pino.destination({ fd: 2, sync: true });
}

/** Logs nothing: for tests and library callers that do not want logs. */
export const silentLogger: Logger = pino({ level: "silent" });

// The root logger lives on globalThis: the console's Next bundle loads these modules a second time in
// the same process, and both copies must write through the one logger main.ts configured.
const ROOT = Symbol.for("fleet.log.root");
type TGlobalWithRoot = typeof globalThis & { [ROOT]?: Logger };

/** Makes `logger` this process's root logger (call once, in main). Returns it. */
export function setRootLogger(logger: Logger): Logger {
  (globalThis as TGlobalWithRoot)[ROOT] = logger;
  return logger;
}

/** This process's root logger; before main set one, an info-level logger named `fleet`. */
export function rootLogger(): Logger {
  const global = globalThis as TGlobalWithRoot;
  global[ROOT] ??= createLogger({ name: "fleet", level: "info" });
  return global[ROOT];
}

/**
 * A warning that must stand out (the broker's anonymous mode): one entry, drawn as a box on a TTY.
 * Shown at every level but `silent`: a logger set to `error` gets it as an error entry.
 */
export function logBanner(logger: Logger, lines: readonly string[]): void {
  const at = logger.isLevelEnabled("warn") ? "warn" : "error";
  logger[at]({ banner: lines }, lines.join(" "));
}
