import { createHash } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { DbError } from "../errors.ts";
import { checkService, createTestDatabase, type TTestDatabase } from "../testing/index.ts";
import { migrationsWith } from "../testing/migrations-with.ts";
import { migrate, migrationStatus } from "./migrate.ts";
import { defaultMigrationsDir, readMigrations } from "./read-migrations.ts";

const postgres = await checkService("postgres");
const kinds = postgres.available ? (["pglite", "postgres"] as const) : (["pglite"] as const);

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

const open: TTestDatabase[] = [];
const dirs: string[] = [];
async function emptyDatabase(kind: "pglite" | "postgres"): Promise<TTestDatabase> {
  const db = await createTestDatabase({ kind, migrate: false });
  open.push(db);
  return db;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

for (const kind of kinds) {
  describe(`migrate on ${kind}`, () => {
    it("applies every migration in order and records it the way Prisma does", async () => {
      const db = await emptyDatabase(kind);
      const result = await migrate({ url: db.url });
      const all = await readMigrations();
      expect(result.applied).toEqual(all.map((m) => m.name));
      const rows = await query<{
        migration_name: string;
        checksum: string;
        finished_at: Date | null;
        applied_steps_count: number;
        rolled_back_at: Date | null;
      }>(
        db.url,
        `SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name`,
      );
      for (const [i, migration] of all.entries()) {
        const sql = await readFile(path.join(defaultMigrationsDir, migration.name, "migration.sql"));
        expect(rows[i]).toMatchObject({
          migration_name: migration.name,
          checksum: createHash("sha256").update(sql).digest("hex"),
          applied_steps_count: 1,
          rolled_back_at: null,
        });
        expect(rows[i]?.finished_at).toBeInstanceOf(Date);
      }
    });

    it("is a no-op the second time", async () => {
      const db = await emptyDatabase(kind);
      await migrate({ url: db.url });
      const again = await migrate({ url: db.url });
      expect(again.applied).toEqual([]);
      expect(again.upToDate.length).toBeGreaterThan(0);
      expect(await migrationStatus({ url: db.url })).toMatchObject({ pending: [] });
    });

    it("applies each migration exactly once when several processes migrate at once", async () => {
      const db = await emptyDatabase(kind);
      const results = await Promise.all([1, 2, 3, 4].map(() => migrate({ url: db.url })));
      const all = await readMigrations();
      // Every migration applied by exactly one of the concurrent runs.
      expect(results.flatMap((r) => r.applied).sort()).toEqual(all.map((m) => m.name).sort());
      const rows = await query<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM "_prisma_migrations"`);
      expect(rows[0]?.n).toBe(all.length);
    });

    it("rolls a failing migration back completely and keeps the ones before it", async () => {
      const db = await emptyDatabase(kind);
      const dir = await migrationsWith({
        "29990101000000_broken": `CREATE TABLE "HalfDone" (id INT);\nINSERT INTO "HalfDone" VALUES (1);\nSELECT 1 / 0;\n`,
      });
      dirs.push(dir);
      const error = await migrate({ url: db.url, migrationsDir: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DbError);
      expect((error as DbError).code).toBe("MIGRATION_FAILED");
      expect((error as DbError).message).toMatch(/29990101000000_broken failed and was rolled back: division by zero/);
      expect((error as DbError).message).not.toContain("\n");
      const tables = await query<{ t: string | null }>(db.url, `SELECT to_regclass('"HalfDone"')::text AS t`);
      expect(tables[0]?.t).toBeNull();
      const status = await migrationStatus({ url: db.url, migrationsDir: dir });
      expect(status.pending).toEqual(["29990101000000_broken"]);
      expect(status.applied.length).toBeGreaterThan(0);
    });
  });
}

describe("migration folder checks", () => {
  it("refuses to run when an applied migration was edited afterwards", async () => {
    const db = await emptyDatabase("pglite");
    const dir = await migrationsWith({ "29990101000000_extra": `CREATE TABLE "Extra" (id INT);` });
    dirs.push(dir);
    await migrate({ url: db.url, migrationsDir: dir });
    await writeFile(path.join(dir, "29990101000000_extra", "migration.sql"), `CREATE TABLE "Extra" (id BIGINT);`);
    await expect(migrate({ url: db.url, migrationsDir: dir })).rejects.toMatchObject({
      code: "MIGRATION_MODIFIED",
      message: expect.stringMatching(/29990101000000_extra was edited after it was applied/),
    });
  });
});

describe.skipIf(!postgres.available)("fleet-db migrate from two processes at once", () => {
  it("applies each migration once; both processes succeed", async () => {
    const db = await emptyDatabase("postgres");
    const bin = fileURLToPath(new URL("../../bin/fleet-db.mjs", import.meta.url));
    const run = () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, "migrate", "--database-url", db.url]);
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
        child.on("exit", (code) => resolve({ code, out }));
      });
    const [a, b] = await Promise.all([run(), run()]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const all = await readMigrations();
    const appliedLines = `${a.out}${b.out}`.match(/applied \d{14}_\w+/g) ?? [];
    expect(appliedLines).toHaveLength(all.length);
    const rows = await query<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0]?.n).toBe(all.length);
  });
});
