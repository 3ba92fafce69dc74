// Migration folders for the migrator's tests: a temporary copy of prisma/migrations plus extra ones,
// to exercise failures without touching the real folder.
import { cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { defaultMigrationsDir } from "../migrator/read-migrations.ts";

/** A temporary copy of prisma/migrations plus `extra` ({ folder name: SQL }); the caller removes it. */
export async function migrationsWith(extra: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "fleet-migrations-"));
  await cp(defaultMigrationsDir, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}
