// 20261130000000_variant_vocabulary renames the values of "Precision" and "Engine" to the lower-case
// vocabulary: rows written before it, and the column defaults, must read in the new spelling after it.
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { checkService, createTestDatabase, type TTestDatabase } from "../testing/index.ts";
import { migrate } from "./migrate.ts";
import { defaultMigrationsDir } from "./read-migrations.ts";

const RENAME = "20261130000000_variant_vocabulary";
const postgres = await checkService("postgres");
const kinds = postgres.available ? (["pglite", "postgres"] as const) : (["pglite"] as const);

const open: TTestDatabase[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** prisma/migrations without the rename and everything after it. */
async function migrationsBeforeRename(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "fleet-migrations-"));
  dirs.push(dir);
  await cp(defaultMigrationsDir, dir, {
    recursive: true,
    filter: (source) => {
      const top = path.relative(defaultMigrationsDir, source).split(path.sep)[0] ?? "";
      return !/^\d{14}_/.test(top) || top < RENAME;
    },
  });
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

for (const kind of kinds) {
  describe(`the variant vocabulary migration on ${kind}`, () => {
    it("renames stored values and defaults to the lower-case vocabulary, and the client reads them", async () => {
      const db = await createTestDatabase({ kind, migrate: false });
      open.push(db);
      const before = await migrate({ url: db.url, migrationsDir: await migrationsBeforeRename() });
      expect(before.applied).not.toContain(RENAME);
      await query(
        db.url,
        `INSERT INTO "HardwareProfile" ("id", "name", "rules", "preferredEngine", "updatedAt")
           VALUES ('p-default', 'Defaults', '{}', NULL, now()),
                  ('p-onnx', 'ONNX int8', '{}', 'ONNX', now());
         UPDATE "HardwareProfile" SET "allowedPrecisions" = ARRAY['INT8', 'MIXED']::"Precision"[],
           "allowedEngines" = ARRAY['ONNX']::"Engine"[] WHERE "id" = 'p-onnx';
         INSERT INTO "Model" ("id", "name", "format", "inputShape", "sourceSha256", "sourceBytes", "updatedAt")
           VALUES ('m1', 'mnist', 'tfjs-layers', '[null, 28, 28, 1]', 'aa', 1, now());
         INSERT INTO "ModelVariant" ("id", "modelId", "name", "precision", "bytes", "sha256", "signature", "artifactKey", "metrics")
           VALUES ('v-tfjs', 'm1', 'int4-group', 'INT4', 1, 'aa', 's', 'k', '{}');
         INSERT INTO "ModelVariant" ("id", "modelId", "name", "precision", "engine", "bytes", "sha256", "signature", "artifactKey", "metrics")
           VALUES ('v-onnx', 'm1', 'onnx-int8', 'INT8', 'ONNX', 1, 'aa', 's', 'k', '{}');`,
      );

      const after = await migrate({ url: db.url });
      expect(after.applied).toEqual([RENAME]);

      const profiles = await db.prisma.hardwareProfile.findMany({
        select: { id: true, allowedPrecisions: true, allowedEngines: true, preferredEngine: true },
        orderBy: { id: "asc" },
      });
      expect(profiles).toEqual([
        {
          id: "p-default",
          allowedPrecisions: ["fp32", "fp16", "uint8", "int8", "int4", "mixed"],
          allowedEngines: ["tfjs", "onnx"],
          preferredEngine: null,
        },
        { id: "p-onnx", allowedPrecisions: ["int8", "mixed"], allowedEngines: ["onnx"], preferredEngine: "onnx" },
      ]);
      const variants = await db.prisma.modelVariant.findMany({
        select: { id: true, precision: true, engine: true },
        orderBy: { id: "asc" },
      });
      expect(variants).toEqual([
        { id: "v-onnx", precision: "int8", engine: "onnx" },
        { id: "v-tfjs", precision: "int4", engine: "tfjs" },
      ]);

      // the defaults name the renamed values: a row written now gets the lower-case words
      const fresh = await db.prisma.hardwareProfile.create({
        data: { name: "Fresh", rules: {} },
        select: { allowedPrecisions: true, allowedEngines: true },
      });
      expect(fresh).toEqual({
        allowedPrecisions: ["fp32", "fp16", "uint8", "int8", "int4", "mixed"],
        allowedEngines: ["tfjs", "onnx"],
      });
      // and the old spelling is gone from the type
      await expect(query(db.url, `SELECT 'FP32'::"Precision"`)).rejects.toThrow(/invalid input value for enum/);
    });
  });
}
