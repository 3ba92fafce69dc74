// fleet-console: validate settings, check the port, open the database, build if needed, serve.
// Serving, it logs through the process's root logger (@fleet/log: JSON lines on stderr, shared with
// the Next bundle) and prints its URL for people and one JSON ready line for programs on stdout.
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { closeDb, isDbError } from "@fleet/db";
import { createLogger, printReadyLine, setRootLogger } from "@fleet/log";
import { assertPortFree, PortUnavailableError } from "./cli/check-port.ts";
import { BuildError, ensureProductionBuild } from "./cli/ensure-build.ts";
import { createAdminFromCli } from "./cli/create-admin.ts";
import { startConsoleServer } from "./cli/start-server.ts";
import { startRematchLoop } from "./server/jobs/rematch-loop.ts";
import { startQuantizeRunner } from "./server/jobs/quantize-runner.ts";
import { startRollouts } from "./server/jobs/start-rollouts.ts";
import { getSigningKey, getUrlSigningKey } from "./server/artifacts/keys.ts";
import { consoleHelpText } from "./cli/command-line.ts";
import { publishConsoleConfig, readConsoleConfig, prepareNextEnv } from "./config.ts";
import { provisionDemoFleet } from "./server/domain/devices/provision-demo-fleet.ts";
import { getPublicKeyInfo } from "./server/domain/keys/get-public-key.ts";
import { getConsoleDb } from "./server/db.ts";
import { AppError } from "./server/errors/app-error.ts";
import { describeError } from "./server/log.ts";
import { ConfigError } from "@fleet/settings";
import { ZodError } from "zod";

const consoleDir = fileURLToPath(new URL("..", import.meta.url));

const say = (line: string) => process.stdout.write(`fleet-console: ${line}\n`);
const complain = (line: string) => process.stderr.write(`fleet-console: ${line}\n`);
const logger = setRootLogger(createLogger({ name: "fleet-console", level: "info" }));

/** Known failures end with one line and an exit code; anything else keeps its stack for debugging. */
function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    complain(error.message);
    process.exit(error.exitCode);
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
  // Unexpected: a bug, whose stack is worth the log line.
  logger.error({ err: error, stack: error instanceof Error ? error.stack : undefined }, "unexpected failure");
  process.exit(1);
}

async function main(): Promise<void> {
  const commandLine = readConsoleConfig();
  if (commandLine.command === "help") {
    process.stdout.write(consoleHelpText(commandLine.about));
    return;
  }
  const { config } = commandLine;
  publishConsoleConfig(config);
  prepareNextEnv(commandLine.command === "serve" && commandLine.options.dev);

  if (commandLine.command === "build") {
    const built = await ensureProductionBuild({ consoleDir, force: commandLine.options.force, log: say });
    if (!built) say("the production build is up to date");
    return;
  }

  if (commandLine.command === "public-key") {
    // Created on first use, like on first start: an operator may fetch it before the console ever ran.
    const key = await getPublicKeyInfo({ dataDir: config.dataDir });
    process.stdout.write(commandLine.options.format === "base64" ? `${key.base64}\n` : key.pem);
    return;
  }

  if (commandLine.command === "provision-demo") {
    const demo = commandLine.options;
    const db = await getConsoleDb(config);
    try {
      const credentials = await provisionDemoFleet({
        prisma: db.prisma,
        actor: { id: null, label: "cli" },
        count: demo.count,
      });
      const out = path.resolve(demo.out);
      await mkdir(path.dirname(out), { recursive: true });
      // 0600: device secrets. Written whole, then renamed, so a reader never sees half a file.
      await writeFile(`${out}.tmp`, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
      await rename(`${out}.tmp`, out);
      say(`provisioned ${credentials.length} demo devices; credentials in ${out}`);
    } finally {
      await closeDb();
    }
    return;
  }

  if (commandLine.command === "create-admin") {
    const db = await getConsoleDb(config);
    try {
      say(await createAdminFromCli({ prisma: db.prisma, ...commandLine.options }));
    } finally {
      await closeDb();
    }
    return;
  }

  const { dev } = commandLine.options;
  await assertPortFree(config.host, config.port);
  // Opened here so a bad DATABASE_URL or a locked data dir stops the start with one line;
  // the Next server code then reuses this process-wide client.
  const db = await getConsoleDb(config);
  logger.info(
    { database: db.embedded ? `embedded PGlite in ${config.dataDir}/db` : "external PostgreSQL (DATABASE_URL)" },
    "database opened",
  );
  if (!dev) await ensureProductionBuild({ consoleDir, log: (line) => logger.info({ component: "build" }, line) });

  // Created on first start (0600), then reused: agents are given its public half.
  const signingKey = await getSigningKey(config.dataDir);
  await getUrlSigningKey(config.dataDir);
  logger.info(
    { fingerprint: signingKey.fingerprint },
    "manifest signing key: ed25519 (fleet-console public-key prints it)",
  );

  const running = await startConsoleServer({ config, consoleDir, dev });
  // --port 0: signed download URLs and the like must name the port actually bound.
  if (config.port === 0) publishConsoleConfig({ ...config, port: running.port });
  const stopRematch = startRematchLoop(db.prisma);
  const quantizeRunner = startQuantizeRunner({ prisma: db.prisma, dataDir: config.dataDir, logger });
  const rollouts = startRollouts({ prisma: db.prisma, config, logger });
  say(running.url);
  printReadyLine("fleet-console", { http: running.url });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal, exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "shutting down");
    stopRematch();
    rollouts
      .stop()
      .then(() => quantizeRunner.stop())
      .then(() => running.close())
      .then(() => closeDb())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ problem: describeError(error) }, "shutdown failed");
          process.exit(1);
        },
      );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch(fail);
