// fleet-db: migrate/status/verify/serve. Progress and events are log entries (@fleet/log, stderr);
// stdout carries what a command answers: status and verify listings, serve's human line and ready line.
import { createLogger, printReadyLine, setRootLogger } from "@fleet/log";
import { createDb } from "../get-db.ts";
import { DbError, describeError } from "../errors.ts";
import { redactDatabaseUrl } from "../database-url.ts";
import { migrate, migrationStatus } from "../migrator/migrate.ts";
import { verifySchema } from "../schema-parity/verify-schema.ts";
import { ConfigError } from "@fleet/settings";
import { dbHelpText, readDbCliConfig } from "./config.ts";

function fail(message: string, code: number): never {
  process.stderr.write(`fleet-db: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let config;
  try {
    config = readDbCliConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, error.exitCode);
    throw error;
  }
  if (config.command === "help") {
    process.stdout.write(dbHelpText(config.about));
    return;
  }
  const logger = setRootLogger(createLogger({ name: "fleet-db", level: "info" }));
  const db = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, embeddedPort: config.port });
  const where = db.embedded ? `embedded PGlite in ${config.dataDir}/db` : redactDatabaseUrl(db.url);
  try {
    switch (config.command) {
      case "migrate": {
        const result = await migrate({
          url: db.url,
          onApplied: (name, index, total) => logger.info({ index: index + 1, total }, `applied ${name}`),
        });
        const total = result.applied.length + result.upToDate.length;
        logger.info({ migrations: total, appliedNow: result.applied.length }, `${where} is up to date`);
        break;
      }
      case "status": {
        const status = await migrationStatus({ url: db.url });
        for (const name of status.applied) process.stdout.write(`applied  ${name}\n`);
        for (const name of status.pending) process.stdout.write(`pending  ${name}\n`);
        break;
      }
      case "verify": {
        const problems = await verifySchema(db.url);
        for (const problem of problems) process.stdout.write(`${problem}\n`);
        if (problems.length > 0) fail(`${problems.length} differences between schema.prisma and ${where}`, 1);
        process.stdout.write(`fleet-db: ${where} matches prisma/schema.prisma\n`);
        break;
      }
      case "serve": {
        if (!db.ownsEmbedded) {
          fail(
            db.embedded
              ? `another process already serves ${where} at ${db.url}`
              : "serve is for the embedded database; DATABASE_URL is set",
            1,
          );
        }
        process.stdout.write(`fleet-db: serving ${where} at ${db.url}\n`);
        printReadyLine("fleet-db", { database: db.url });
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          process.once("SIGINT", resolve);
          process.once("SIGTERM", resolve);
        });
        logger.info({ signal }, "shutting down");
        break;
      }
    }
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  fail(error instanceof DbError ? error.message : describeError(error), 1);
});
