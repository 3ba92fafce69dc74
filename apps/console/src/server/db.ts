import { getDb, type FleetDb } from "@fleet/db";
import { getConsoleConfig, type TConsoleConfig } from "../config.ts";

/** What request handlers need from the database: the client and where it lives. */
export type TConsoleDb = Pick<FleetDb, "prisma" | "url" | "embedded">;

/**
 * The process-wide database (@fleet/db's getDb is a globalThis singleton, so main.ts and the
 * bundled Next server code share one Prisma client).
 */
export function getConsoleDb(config: TConsoleConfig = getConsoleConfig()): Promise<FleetDb> {
  return getDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl ?? undefined });
}
