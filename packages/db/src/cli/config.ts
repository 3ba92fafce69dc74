// The one place `fleet-db` reads its settings: the table below, parsed by @fleet/settings
// (flag > environment > default); --help is written from it.
import {
  defineCli,
  defineSettings,
  helpRequest,
  helpText,
  parseCommandLine,
  type TEnv,
  type TSettingValues,
} from "@fleet/settings";
import { z } from "zod";

const DB_SETTINGS = defineSettings([
  {
    key: "databaseUrl",
    env: "DATABASE_URL",
    flag: "--database-url",
    arg: "URL",
    meaning: "external PostgreSQL; unset = embedded PGlite",
    schema: z.string().min(1),
    secret: true,
  },
  {
    key: "dataDir",
    env: "FLEET_DATA_DIR",
    flag: "--data-dir",
    arg: "DIR",
    default: "./data",
    meaning: "data directory",
    schema: z.string().min(1),
  },
  {
    key: "port",
    env: "FLEET_DB_PORT",
    flag: "--port",
    arg: "N",
    default: "0",
    meaning: "port for the embedded database socket (0 = any free port)",
    schema: z
      .string()
      .regex(/^\d{1,5}$/, "must be a port number 0-65535 (0 = any free port)")
      .transform(Number)
      .refine((port) => port <= 65535, "must be a port number 0-65535 (0 = any free port)"),
  },
]);

export const DB_CLI = defineCli({
  bin: "fleet-db",
  summary: "the Fleet database (embedded PGlite or external PostgreSQL)",
  settings: DB_SETTINGS,
  commands: {
    migrate: {
      summary: "apply pending SQL migrations from prisma/migrations (safe to run twice or concurrently)",
    },
    status: { summary: "list applied and pending migrations" },
    verify: { summary: "compare the migrated database with prisma/schema.prisma" },
    serve: { summary: "own the embedded database in <data dir>/db and serve it on a loopback socket" },
  },
});

export type TDbCliConfig =
  | { readonly command: "help"; readonly about: keyof typeof DB_CLI.commands | undefined }
  | ({ readonly command: keyof typeof DB_CLI.commands } & TSettingValues<typeof DB_SETTINGS>);

/** The command and its settings; `help` for --help or no command. Throws a ConfigError. */
export function loadDbCliConfig(env: TEnv, argv: readonly string[]): TDbCliConfig {
  const help = helpRequest(DB_CLI, argv);
  if (help) return { command: "help", about: help.command };
  const { command, config } = parseCommandLine(DB_CLI, { argv, env });
  return { command, ...config };
}

/** `fleet-db --help`, or the help of one command. */
export function dbHelpText(command?: keyof typeof DB_CLI.commands): string {
  return helpText(DB_CLI, command);
}

/** This process's settings: the one read of process.env in fleet-db. */
export function readDbCliConfig(): TDbCliConfig {
  return loadDbCliConfig(process.env, process.argv.slice(2));
}
