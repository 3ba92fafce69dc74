// A tiny structured logger: one JSON object per line on stderr, filtered by level.
// Small on purpose; swap for pino behind the same interface if it ever needs more.

export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type TLogLevel = (typeof LOG_LEVELS)[number];

export type TLogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: TLogFields): void;
  info(msg: string, fields?: TLogFields): void;
  warn(msg: string, fields?: TLogFields): void;
  error(msg: string, fields?: TLogFields): void;
  /** Plain text block that must stand out (e.g. the anonymous-mode warning); shown unless level is `silent`. */
  banner(lines: readonly string[]): void;
  child(fields: TLogFields): Logger;
}

const RANK: Record<TLogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface LoggerOptions {
  level: TLogLevel;
  /** Where lines go; defaults to stderr so stdout stays for the readiness line. */
  write?: (line: string) => void;
  fields?: TLogFields;
}

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const threshold = RANK[options.level];
  const base = options.fields ?? {};

  const emit = (level: Exclude<TLogLevel, "silent">, msg: string, fields?: TLogFields): void => {
    if (RANK[level] < threshold) return;
    const record = { time: new Date().toISOString(), level, msg, ...base, ...fields };
    write(`${JSON.stringify(record, replaceErrors)}\n`);
  };

  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    banner(lines) {
      if (threshold >= RANK.silent) return;
      const width = Math.max(...lines.map((line) => line.length)) + 4;
      const rule = "!".repeat(width);
      write(`${[rule, ...lines.map((line) => `! ${line.padEnd(width - 4)} !`), rule].join("\n")}\n`);
    },
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

export const silentLogger: Logger = createLogger({ level: "silent", write: () => {} });

// Errors serialise to their message (and code) only: logs never carry stacks to whoever reads them.
function replaceErrors(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return code === undefined ? value.message : `${String(code)}: ${value.message}`;
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}
