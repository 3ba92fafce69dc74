import { randomUUID } from "node:crypto";
import pg from "pg";
import { DbError, describeError } from "../errors.ts";
import { readMigrations, type TMigration } from "./read-migrations.ts";

// The advisory lock key `prisma migrate deploy` takes, so our migrator and Prisma's exclude each other.
const PRISMA_MIGRATE_LOCK = 72707369;

// Same table Prisma creates, so `prisma migrate deploy/status` read our history as their own.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface TMigrateOptions {
  url: string;
  migrationsDir?: string;
  onApplied?: (name: string, index: number, total: number) => void;
}

export interface TMigrateResult {
  applied: string[];
  upToDate: string[];
}

interface TAppliedRow {
  checksum: string;
  finished_at: Date | null;
}

async function findApplied(client: pg.Client, name: string): Promise<TAppliedRow | undefined> {
  const { rows } = await client.query<TAppliedRow>(
    `SELECT checksum, finished_at FROM "_prisma_migrations"
      WHERE migration_name = $1 AND rolled_back_at IS NULL
      ORDER BY started_at DESC LIMIT 1`,
    [name],
  );
  return rows[0];
}

function checkAppliedRow(migration: TMigration, row: TAppliedRow): void {
  if (row.finished_at === null) {
    throw new DbError(
      "MIGRATION_FAILED",
      `migration ${migration.name} is recorded as started but not finished (a failed earlier run); fix the database, then mark it with \`prisma migrate resolve\``,
    );
  }
  if (row.checksum !== migration.checksum) {
    throw new DbError(
      "MIGRATION_MODIFIED",
      `migration ${migration.name} was edited after it was applied (checksum differs); add a new migration instead`,
    );
  }
}

/**
 * Applies pending migrations in name order. Each runs in its own transaction together with its
 * `_prisma_migrations` row, under Prisma's advisory lock: a failure leaves the database as it was,
 * and two processes migrating at once apply each migration exactly once.
 */
export async function migrate(options: TMigrateOptions): Promise<TMigrateResult> {
  const migrations = await readMigrations(options.migrationsDir);
  const client = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  const result: TMigrateResult = { applied: [], upToDate: [] };
  try {
    await client.connect();
    for (const [index, migration] of migrations.entries()) {
      await client.query("BEGIN");
      try {
        await client.query("SELECT pg_advisory_xact_lock($1)", [PRISMA_MIGRATE_LOCK]);
        await client.query(CREATE_MIGRATIONS_TABLE);
        const row = await findApplied(client, migration.name);
        if (row) {
          checkAppliedRow(migration, row);
          await client.query("COMMIT");
          result.upToDate.push(migration.name);
          continue;
        }
        const startedAt = new Date();
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations"
             (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        await client.query("COMMIT");
        result.applied.push(migration.name);
        options.onApplied?.(migration.name, index, migrations.length);
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        if (error instanceof DbError) throw error;
        throw new DbError(
          "MIGRATION_FAILED",
          `migration ${migration.name} failed and was rolled back: ${describeError(error)}`,
          { cause: error },
        );
      }
    }
    return result;
  } catch (error) {
    if (error instanceof DbError) throw error;
    throw new DbError("UNREACHABLE", `cannot migrate: ${describeError(error)}`, { cause: error });
  } finally {
    await client.end().catch(() => {});
  }
}

export interface TMigrationStatus {
  applied: string[];
  pending: string[];
}

/** What is applied and what is pending, without changing anything. */
export async function migrationStatus(options: { url: string; migrationsDir?: string }): Promise<TMigrationStatus> {
  const migrations = await readMigrations(options.migrationsDir);
  const client = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ exists: boolean }>(
      `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`,
    );
    const applied = new Set<string>();
    if (rows[0]?.exists) {
      const done = await client.query<{ migration_name: string }>(
        `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      );
      for (const row of done.rows) applied.add(row.migration_name);
    }
    return {
      applied: migrations.filter((m) => applied.has(m.name)).map((m) => m.name),
      pending: migrations.filter((m) => !applied.has(m.name)).map((m) => m.name),
    };
  } catch (error) {
    throw new DbError("UNREACHABLE", `cannot read migration status: ${describeError(error)}`, { cause: error });
  } finally {
    await client.end().catch(() => {});
  }
}
