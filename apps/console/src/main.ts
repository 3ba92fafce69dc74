// fleet-console: validate settings, check the port, open the database, build if needed, serve.
import { fileURLToPath } from "node:url";
import { closeDb, isDbError } from "@fleet/db";
import { assertPortFree, PortUnavailableError } from "./cli/check-port.ts";
import { BuildError, ensureProductionBuild } from "./cli/ensure-build.ts";
import { helpText } from "./cli/help.ts";
import { createAdminFromCli } from "./cli/create-admin.ts";
import { startConsoleServer } from "./cli/start-server.ts";
import { startRematchLoop } from "./server/jobs/rematch-loop.ts";
import { ConfigError, publishConsoleConfig, readConsoleConfig, prepareNextEnv } from "./config.ts";
import { getConsoleDb } from "./server/db.ts";
import { AppError } from "./server/errors/app-error.ts";
import { describeError } from "./server/log.ts";
import { ZodError } from "zod";

const consoleDir = fileURLToPath(new URL("..", import.meta.url));

const say = (line: string) => process.stdout.write(`fleet-console: ${line}\n`);
const complain = (line: string) => process.stderr.write(`fleet-console: ${line}\n`);

/** Known failures end with one line and an exit code; anything else keeps its stack for debugging. */
function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    complain(error.message);
    process.exit(2);
  }
  if (error instanceof ZodError) {
    complain(error.issues.map((issue) => `--${issue.path.join(".")}: ${issue.message}`).join("; "));
    process.exit(2);
  }
  if (error instanceof AppError) {
    complain(error.message);
    process.exit(1);
  }
  if (error instanceof PortUnavailableError || error instanceof BuildError || isDbError(error)) {
    complain(error.message);
    process.exit(1);
  }
  complain(`failed: ${describeError(error)}`);
  console.error(error);
  process.exit(1);
}

async function main(): Promise<void> {
  const options = readConsoleConfig();
  if (options.command === "help") {
    process.stdout.write(`${helpText()}\n`);
    return;
  }
  const { command, dev, force, admin, ...config } = options;
  publishConsoleConfig(config);
  prepareNextEnv(command === "serve" && dev);

  if (command === "build") {
    const built = await ensureProductionBuild({ consoleDir, force, log: say });
    if (!built) say("the production build is up to date");
    return;
  }

  if (command === "create-admin") {
    const db = await getConsoleDb(config);
    try {
      say(await createAdminFromCli({ prisma: db.prisma, ...admin }));
    } finally {
      await closeDb();
    }
    return;
  }

  await assertPortFree(config.host, config.port);
  // Opened here so a bad DATABASE_URL or a locked data dir stops the start with one line;
  // the Next server code then reuses this process-wide client.
  const db = await getConsoleDb(config);
  say(`database: ${db.embedded ? `embedded PGlite in ${config.dataDir}/db` : "external PostgreSQL (DATABASE_URL)"}`);
  if (!dev) await ensureProductionBuild({ consoleDir, log: say });

  const running = await startConsoleServer({ config, consoleDir, dev });
  const stopRematch = startRematchLoop(db.prisma);
  say(running.url);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      complain(`${signal} again; exiting now`);
      process.exit(1);
    }
    stopping = true;
    say(`${signal} received; shutting down`);
    stopRematch();
    running
      .close()
      .then(() => closeDb())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          complain(`shutdown failed: ${describeError(error)}`);
          process.exit(1);
        },
      );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch(fail);
