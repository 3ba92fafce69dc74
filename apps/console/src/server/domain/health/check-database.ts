import type { PrismaClient } from "@fleet/db";
import { describeError, reportProblem } from "../../log.ts";
import type { TDatabaseStatus } from "./stack-status.types.ts";
import { TimeoutError, withTimeout } from "./with-timeout.ts";

export interface TCheckDatabaseOptions {
  /** The open database, or null when opening it failed (see openError). */
  prisma: Pick<PrismaClient, "$queryRaw"> | null;
  /** Embedded PGlite (FLEET_DATA_DIR) or external PostgreSQL (DATABASE_URL). */
  embedded: boolean;
  /** Why the database could not be opened; logged, not shown. */
  openError?: string | null;
  timeoutMs?: number;
}

/** Asks the database who it is and how many migrations it holds, within a time limit. */
export async function checkDatabase({
  prisma,
  embedded,
  openError = null,
  timeoutMs = 3_000,
}: TCheckDatabaseOptions): Promise<TDatabaseStatus> {
  const identity = {
    kind: embedded ? "embedded" : "external",
    engine: embedded ? "PGlite" : "PostgreSQL",
  } as const;
  const down = (problem: string, detail: string): TDatabaseStatus => {
    reportProblem("database", detail);
    return {
      ...identity,
      reachable: false,
      serverVersion: null,
      migrationsApplied: null,
      latestMigration: null,
      problem,
    };
  };
  if (prisma === null) {
    return down("the database could not be opened; see the console log", openError ?? "not opened");
  }
  try {
    const status = await withTimeout(readDatabaseFacts(prisma), timeoutMs, "the database");
    reportProblem("database", null);
    const problem = status.migrationsApplied === 0 ? "no migrations applied yet; run `npm run migrate`" : null;
    return { ...identity, reachable: true, ...status, problem };
  } catch (error) {
    const problem =
      error instanceof TimeoutError
        ? `the database did not answer within ${timeoutMs} ms`
        : "the database refused the connection or the query; see the console log";
    return down(problem, describeError(error));
  }
}

async function readDatabaseFacts(prisma: Pick<PrismaClient, "$queryRaw">) {
  const [server] = await prisma.$queryRaw<
    Array<{ version: string }>
  >`SELECT current_setting('server_version') AS version`;
  const [table] = await prisma.$queryRaw<Array<{ exists: boolean }>>`
    SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS "exists"`;
  if (!table?.exists) {
    return { serverVersion: server?.version ?? null, migrationsApplied: 0, latestMigration: null };
  }
  // Counted the way `prisma migrate status` does: finished and not rolled back.
  const [migrations] = await prisma.$queryRaw<Array<{ applied: number; latest: string | null }>>`
    SELECT count(*)::int AS applied, max(migration_name) AS latest
    FROM "_prisma_migrations"
    WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  return {
    serverVersion: server?.version ?? null,
    migrationsApplied: migrations?.applied ?? 0,
    latestMigration: migrations?.latest ?? null,
  };
}
