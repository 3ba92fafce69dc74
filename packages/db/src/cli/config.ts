import { parseArgs } from "node:util";
import { z } from "zod";

// The one place `fleet-db` reads its settings; flags override the environment.
const ZDbCliConfig = z.object({
  command: z.enum(["migrate", "status", "serve", "verify", "help"]),
  databaseUrl: z.string().min(1).optional(),
  dataDir: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
});
export type TDbCliConfig = z.infer<typeof ZDbCliConfig>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function loadDbCliConfig(env: NodeJS.ProcessEnv, argv: string[]): TDbCliConfig {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        "database-url": { type: "string" },
        "data-dir": { type: "string" },
        port: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const result = ZDbCliConfig.safeParse({
    command: values.help ? "help" : (positionals[0] ?? "help"),
    databaseUrl: values["database-url"] ?? (env["DATABASE_URL"] || undefined),
    dataDir: values["data-dir"] ?? env["FLEET_DATA_DIR"] ?? "./data",
    port: values.port ?? env["FLEET_DB_PORT"] ?? "0",
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    const setting = {
      command: "command",
      databaseUrl: "DATABASE_URL",
      dataDir: "FLEET_DATA_DIR",
      port: "FLEET_DB_PORT",
    }[String(issue?.path[0]) as "command"];
    throw new ConfigError(`${setting ?? "setting"}: ${issue?.message ?? "invalid"}`);
  }
  return result.data;
}

export const HELP = `fleet-db: the Fleet database (embedded PGlite or external PostgreSQL)

Usage: fleet-db <command> [--database-url URL] [--data-dir DIR] [--port N]

Commands:
  migrate   apply pending SQL migrations from prisma/migrations (safe to run twice or concurrently)
  status    list applied and pending migrations
  verify    compare the migrated database with prisma/schema.prisma
  serve     own the embedded database in <data dir>/db and serve it on a loopback socket

Settings (flag > environment > default):
  --database-url  DATABASE_URL    external PostgreSQL; unset = embedded PGlite
  --data-dir      FLEET_DATA_DIR  data directory (default ./data)
  --port          FLEET_DB_PORT   port for the embedded database socket (default 0 = any free port)
`;

/** This process's settings: the one read of process.env in fleet-db. */
export function readDbCliConfig(): TDbCliConfig {
  return loadDbCliConfig(process.env, process.argv.slice(2));
}
