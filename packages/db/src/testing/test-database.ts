import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { createPrismaClient } from "../client.ts";
import { servePglite } from "../embedded/embedded-postgres.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { migrate } from "../migrator/migrate.ts";
import { testEnv } from "./test-env.ts";

export type TTestDatabaseKind = "pglite" | "postgres";

export interface TTestDatabase {
  kind: TTestDatabaseKind;
  url: string;
  prisma: PrismaClient;
  close(): Promise<void>;
}

export interface TTestDatabaseOptions {
  kind: TTestDatabaseKind;
  /** Apply prisma/migrations (default true). */
  migrate?: boolean;
}

/** A fresh, empty database of its own for one test file: in-memory PGlite, or a new PostgreSQL database. */
export async function createTestDatabase(options: TTestDatabaseOptions): Promise<TTestDatabase> {
  const created = options.kind === "pglite" ? await createPgliteDatabase() : await createPostgresDatabase();
  try {
    if (options.migrate !== false) await migrate({ url: created.url });
  } catch (error) {
    await created.drop();
    throw error;
  }
  const prisma = createPrismaClient(created.url, { poolMax: 4 });
  return {
    kind: options.kind,
    url: created.url,
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await created.drop();
    },
  };
}

async function createPgliteDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const db = await PGlite.create();
  const served = await servePglite(db);
  return {
    url: served.url,
    drop: async () => {
      await served.stop();
      await db.close();
    },
  };
}

/** Creates `fleet_test_<random>` on the machine's PostgreSQL and drops it (forcibly) afterwards. */
async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = testEnv.FLEET_TEST_POSTGRES_URL;
  const name = `fleet_test_${randomBytes(6).toString("hex")}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => {});
  }
}
