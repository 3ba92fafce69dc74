import { z } from "zod";

// Public (unauthenticated) status: no file paths, credentials or driver messages in here.

export const ZDatabaseStatus = z.object({
  kind: z.enum(["embedded", "external"]),
  /** "PGlite" for the embedded database, "PostgreSQL" for DATABASE_URL. */
  engine: z.enum(["PGlite", "PostgreSQL"]),
  reachable: z.boolean(),
  /** e.g. "17.4"; null when unreachable. */
  serverVersion: z.string().nullable(),
  /** Rows of `_prisma_migrations` that finished and were not rolled back. */
  migrationsApplied: z.number().int().nonnegative().nullable(),
  latestMigration: z.string().nullable(),
  /** One operator-facing sentence when something is wrong. */
  problem: z.string().nullable(),
});
export type TDatabaseStatus = z.infer<typeof ZDatabaseStatus>;

export const ZBrokerStatus = z.object({
  configured: z.boolean(),
  /** MQTT_URL without credentials. */
  url: z.string().nullable(),
  /** TCP reachability of the broker's host:port; null when not configured. */
  reachable: z.boolean().nullable(),
  problem: z.string().nullable(),
});
export type TBrokerStatus = z.infer<typeof ZBrokerStatus>;

export const ZConsoleStatus = z.object({
  version: z.string(),
  nodeVersion: z.string(),
  startedAt: z.date(),
  uptimeSeconds: z.number().nonnegative(),
  publicUrl: z.string().nullable(),
});
export type TConsoleStatus = z.infer<typeof ZConsoleStatus>;

export const ZStackStatus = z.object({
  /** "ok" when every configured component answers. */
  status: z.enum(["ok", "degraded"]),
  checkedAt: z.date(),
  console: ZConsoleStatus,
  database: ZDatabaseStatus,
  broker: ZBrokerStatus,
});
export type TStackStatus = z.infer<typeof ZStackStatus>;
