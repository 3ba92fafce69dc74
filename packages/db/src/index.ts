export { createDb, getDb, closeDb, type FleetDb, type TDbOptions } from "./get-db.ts";
export { createPrismaClient, type TClientOptions } from "./client.ts";
export { checkReachable } from "./check-reachable.ts";
export { parseDatabaseUrl, redactDatabaseUrl, type TParsedDatabaseUrl } from "./database-url.ts";
export { DbError, isDbError, describeError, type TDbErrorCode } from "./errors.ts";
export {
  openEmbeddedPostgres,
  servePglite,
  embeddedUrl,
  type TEmbeddedPostgres,
} from "./embedded/embedded-postgres.ts";
export { PrismaClient, Prisma } from "./generated/prisma/client.ts";
export * from "./generated/prisma/enums.ts";
export type * from "./generated/prisma/models.ts";
export { hashSecret, verifySecret, parseHash, DEFAULT_SCRYPT_PARAMS, type TScryptParams } from "./credentials.ts";
