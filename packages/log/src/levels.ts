// The log levels every Fleet setting accepts (LOG_LEVEL, --log-level): the one list, so a process
// never accepts a level another refuses. `silent` turns a logger off (tests, the broker's benchmarks).
import { z } from "zod";

export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type TLogLevel = (typeof LOG_LEVELS)[number];

export const ZLogLevel = z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` });
