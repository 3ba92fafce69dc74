import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DbError } from "../errors.ts";

export interface TMigration {
  name: string;
  sql: string;
  /** sha256 hex of migration.sql, as Prisma records it in `_prisma_migrations.checksum`. */
  checksum: string;
}

/** prisma/migrations at the repository root. */
// path.resolve, not new URL(literal): bundlers (Turbopack) would try to bundle a URL literal as a file.
export const defaultMigrationsDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../../prisma/migrations",
);

// Prisma names folders `<14-digit timestamp>_<name>`; we hold ours to the same rule.
const MIGRATION_NAME = /^\d{14}_[a-z0-9_]+$/;

export async function readMigrations(dir: string = defaultMigrationsDir): Promise<TMigration[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    throw new DbError("MIGRATION_FOLDER", `cannot read the migrations folder ${dir}`, { cause: error });
  }
  const lock = await readFile(path.join(dir, "migration_lock.toml"), "utf8").catch(() => null);
  if (lock === null || !/^provider\s*=\s*"postgresql"\s*$/m.test(lock)) {
    throw new DbError("MIGRATION_FOLDER", `${dir}/migration_lock.toml is missing or not for provider "postgresql"`);
  }
  const migrations: TMigration[] = [];
  for (const name of entries.sort()) {
    const folder = path.join(dir, name);
    if (!(await stat(folder)).isDirectory()) continue;
    if (!MIGRATION_NAME.test(name)) {
      throw new DbError("MIGRATION_FOLDER", `migration folder "${name}" is not named <14-digit timestamp>_<name>`);
    }
    const sql = await readFile(path.join(folder, "migration.sql"), "utf8").catch(() => null);
    if (sql === null) throw new DbError("MIGRATION_FOLDER", `migration ${name} has no migration.sql`);
    migrations.push({ name, sql, checksum: createHash("sha256").update(sql).digest("hex") });
  }
  return migrations;
}
