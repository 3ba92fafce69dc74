// Test helper: a logger that keeps every entry (parsed) in memory, so tests assert on what was logged.
import { createLogger, type Logger } from "../create-logger.ts";
import type { TLogLevel } from "../levels.ts";

export interface TLogEntry {
  readonly level: string;
  readonly time: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface CapturedLogger {
  readonly logger: Logger;
  readonly entries: TLogEntry[];
  /** Entries whose msg is `msg`. */
  find(msg: string): TLogEntry[];
}

export function captureLogger(options: { level?: TLogLevel; name?: string } = {}): CapturedLogger {
  const entries: TLogEntry[] = [];
  const logger = createLogger({
    name: options.name ?? "test",
    level: options.level ?? "debug",
    destination: { write: (line: string) => entries.push(JSON.parse(line) as TLogEntry) },
  });
  return { logger, entries, find: (msg) => entries.filter((entry) => entry.msg === msg) };
}
