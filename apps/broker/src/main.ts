// The `fleet-broker` command: validate settings, start, print where it listens, stop on SIGINT/SIGTERM.
// Failures are one line on stderr and an exit code (2 bad setting, 1 anything else), never a stack.
import { closeDb, getDb, isDbError, type FleetDb } from "@fleet/db";
import { migrate } from "@fleet/db/migrator";
import { ConfigError, helpRequest } from "@fleet/settings";
import { readBrokerCommandLine, type BrokerConfig, type TBrokerCommandLine } from "./config.ts";
import { BrokerError } from "./errors.ts";
import { runHashSecret } from "./hash-secret.ts";
import { createLogger, printReadyLine, setRootLogger } from "@fleet/log";
import { startBroker } from "./server.ts";
import { BROKER_CLI, brokerHelpText } from "./settings.ts";
import { readinessLine } from "./urls.ts";

const EXIT_RUNTIME = 1;
/** After this long a shutdown that has not finished is cut short. */
const SHUTDOWN_GRACE_MS = 10_000;

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const known = error instanceof BrokerError || error instanceof ConfigError || isDbError(error);
  process.stderr.write(`fleet-broker: ${known ? "" : "unexpected error: "}${message.split("\n")[0]}\n`);
  process.exitCode = error instanceof ConfigError ? error.exitCode : EXIT_RUNTIME;
}

/**
 * DATABASE_URL, or the embedded PGlite in FLEET_DATA_DIR (shared with the console through its lock).
 * A fresh embedded store gets the schema here, so `fleet-broker` alone works on an empty data dir;
 * an external database is migrated by `npm start` / `fleet-db migrate`, never behind an operator's back.
 */
async function openDatabase(config: BrokerConfig): Promise<FleetDb> {
  const db = await getDb({ databaseUrl: config.databaseUrl ?? undefined, dataDir: config.dataDir });
  if (db.ownsEmbedded) await migrate({ url: db.url });
  return db;
}

async function main(): Promise<void> {
  const help = helpRequest(BROKER_CLI, process.argv.slice(2));
  if (help) {
    process.stdout.write(brokerHelpText(help.command));
    return;
  }
  let commandLine: TBrokerCommandLine;
  try {
    commandLine = readBrokerCommandLine();
  } catch (error) {
    fail(error);
    return;
  }
  if (commandLine.command === "hash-secret") {
    await runHashSecret(commandLine, { stdin: process.stdin, stdout: process.stdout }).catch(fail);
    return;
  }
  const { config } = commandLine;

  const logger = setRootLogger(createLogger({ name: "fleet-broker", level: config.logLevel }));
  let db: FleetDb;
  try {
    db = await openDatabase(config);
  } catch (error) {
    fail(error);
    return;
  }
  let broker: Awaited<ReturnType<typeof startBroker>>;
  try {
    broker = await startBroker(config, { logger, database: db.prisma });
  } catch (error) {
    await closeDb().catch(() => {});
    fail(error);
    return;
  }
  process.stdout.write(`${readinessLine(broker.urls)}\n`);
  printReadyLine("fleet-broker", broker.urls);
  logger.info({ ...broker.ports, allowAnonymous: config.allowAnonymous }, "broker started");

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, "second signal, exiting now");
      process.exit(EXIT_RUNTIME);
    }
    stopping = true;
    logger.info({ signal }, "shutting down");
    setTimeout(() => {
      logger.error({ graceMs: SHUTDOWN_GRACE_MS }, "shutdown took too long, exiting");
      process.exit(EXIT_RUNTIME);
    }, SHUTDOWN_GRACE_MS).unref();
    broker
      .close()
      .then(closeDb)
      .then(
        () => logger.info("stopped"),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          process.exitCode = EXIT_RUNTIME;
        },
      );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  // A bug must not leave a half-working broker behind: log one line and exit so a supervisor restarts it.
  const crash = (error: unknown): void => {
    logger.error({ err: error, stack: error instanceof Error ? error.stack : undefined }, "fatal error, exiting");
    process.exit(EXIT_RUNTIME);
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
}

await main();
