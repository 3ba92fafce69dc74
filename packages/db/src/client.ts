import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.ts";

export interface TClientOptions {
  /** Pool size per process; PGlite serialises anyway, PostgreSQL benefits from a few. */
  poolMax?: number;
}

/** A Prisma Client on the pg driver adapter (no engine binaries needed). */
export function createPrismaClient(url: string, options: TClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: options.poolMax ?? 10, connectionTimeoutMillis: 10_000 });
  return new PrismaClient({ adapter });
}
