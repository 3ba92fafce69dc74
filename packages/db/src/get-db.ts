import { checkReachable } from "./check-reachable.ts";
import { createPrismaClient } from "./client.ts";
import { parseDatabaseUrl } from "./database-url.ts";
import { openEmbeddedPostgres } from "./embedded/embedded-postgres.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";

export interface TDbOptions {
  /** External PostgreSQL; unset means the embedded PGlite in `<dataDir>/db`. */
  databaseUrl?: string | undefined;
  /** FLEET_DATA_DIR. */
  dataDir: string;
  /** Port for serving the embedded database when this process owns it (0 = any free port). */
  embeddedPort?: number | undefined;
  poolMax?: number | undefined;
}

export interface FleetDb {
  prisma: PrismaClient;
  url: string;
  embedded: boolean;
  /** True when this process opened PGlite and serves it to the others. */
  ownsEmbedded: boolean;
  close(): Promise<void>;
}

/** Opens the database described by the options; prefer `getDb` for the per-process client. */
export async function createDb(options: TDbOptions): Promise<FleetDb> {
  const poolOptions = options.poolMax === undefined ? {} : { poolMax: options.poolMax };
  if (options.databaseUrl) {
    parseDatabaseUrl(options.databaseUrl);
    await checkReachable(options.databaseUrl);
    const prisma = createPrismaClient(options.databaseUrl, poolOptions);
    return {
      prisma,
      url: options.databaseUrl,
      embedded: false,
      ownsEmbedded: false,
      close: () => prisma.$disconnect(),
    };
  }
  const embedded = await openEmbeddedPostgres({
    dataDir: options.dataDir,
    ...(options.embeddedPort === undefined ? {} : { port: options.embeddedPort }),
  });
  const prisma = createPrismaClient(embedded.url, poolOptions);
  return {
    prisma,
    url: embedded.url,
    embedded: true,
    ownsEmbedded: embedded.owner,
    close: async () => {
      await prisma.$disconnect();
      await embedded.close();
    },
  };
}

// One client per process (create-t3-app's globalThis singleton): survives module reloads in dev.
const globalForDb = globalThis as unknown as { fleetDb?: Promise<FleetDb> };

/** The process-wide database; the first call's options win. */
export function getDb(options: TDbOptions): Promise<FleetDb> {
  if (!globalForDb.fleetDb) {
    globalForDb.fleetDb = createDb(options).catch((error: unknown) => {
      delete globalForDb.fleetDb;
      throw error;
    });
  }
  return globalForDb.fleetDb;
}

/** Closes the process-wide database, if one was opened. */
export async function closeDb(): Promise<void> {
  const pending = globalForDb.fleetDb;
  delete globalForDb.fleetDb;
  if (pending) await (await pending).close();
}
