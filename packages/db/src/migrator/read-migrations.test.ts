// readMigrations refuses a folder Prisma would not accept: a wrong provider lock, a misnamed migration.
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { migrationsWith } from "../testing/migrations-with.ts";
import { readMigrations } from "./read-migrations.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("migration folder checks", () => {
  it("refuses a folder without migration_lock.toml for postgresql", async () => {
    const dir = await migrationsWith({});
    dirs.push(dir);
    await writeFile(path.join(dir, "migration_lock.toml"), `provider = "mysql"\n`);
    await expect(readMigrations(dir)).rejects.toMatchObject({ code: "MIGRATION_FOLDER" });
  });

  it("refuses a migration folder not named <timestamp>_<name>", async () => {
    const dir = await migrationsWith({ "add-stuff": "SELECT 1;" });
    dirs.push(dir);
    await expect(readMigrations(dir)).rejects.toMatchObject({
      code: "MIGRATION_FOLDER",
      message: expect.stringContaining(`"add-stuff"`),
    });
  });
});
