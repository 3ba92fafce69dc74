// Structured logs: one JSON object per line with ts, level, msg and the device id, so journald and
// log shippers can filter by level and device without parsing prose.

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type TLogLevel = (typeof LOG_LEVELS)[number];

export type TLogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: TLogFields): void;
  info(msg: string, fields?: TLogFields): void;
  warn(msg: string, fields?: TLogFields): void;
  error(msg: string, fields?: TLogFields): void;
  child(fields: TLogFields): Logger;
}

export type TLogSink = (line: string, level: TLogLevel) => void;

const stderrSink: TLogSink = (line) => {
  process.stderr.write(`${line}\n`);
};

/** Errors become their message (and code): stack traces stay out of logs shipped off the device. */
function plain(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return code === undefined ? value.message : { message: value.message, code };
  }
  return value;
}

export function createLogger(level: TLogLevel, sink: TLogSink = stderrSink, base: TLogFields = {}): Logger {
  const min = LOG_LEVELS.indexOf(level);
  const write = (at: TLogLevel, msg: string, fields?: TLogFields): void => {
    if (LOG_LEVELS.indexOf(at) < min) return;
    const entry: TLogFields = { ts: new Date().toISOString(), level: at, msg, ...base };
    for (const [key, value] of Object.entries(fields ?? {})) entry[key] = plain(value);
    sink(JSON.stringify(entry), at);
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger(level, sink, { ...base, ...fields }),
  };
}

export const silentLogger: Logger = createLogger("error", () => {});

/** Keeps every entry in memory: tests assert on what was logged. */
export function memoryLogger(level: TLogLevel = "debug"): Logger & { entries: TLogFields[] } {
  const entries: TLogFields[] = [];
  const logger = createLogger(level, (line) => entries.push(JSON.parse(line) as TLogFields));
  return Object.assign(logger, { entries });
}
