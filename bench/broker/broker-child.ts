// One Fleet broker as its own process for the benchmark (so its CPU and RSS are its own, like
// Mosquitto's). Settings come from the environment exactly as for `fleet-broker`; unlike the bin it
// opens a database only when DATABASE_URL is set, so the pure MQTT figures carry no database.
// Prints `READY <mqtt port>` on stdout; stops cleanly (ingest flushed) on SIGTERM.
import { createPrismaClient } from "@fleet/db";
import { loadBrokerConfig, silentLogger, startBroker } from "@fleet/broker";

const config = loadBrokerConfig(process.env);
const prisma = config.databaseUrl === null ? undefined : createPrismaClient(config.databaseUrl, { poolMax: 8 });
const broker = await startBroker(config, { logger: silentLogger, ...(prisma !== undefined && { database: prisma }) });
process.stdout.write(`READY ${broker.ports.mqtt}\n`);

process.once("SIGTERM", () => {
  void broker
    .close()
    .then(() => prisma?.$disconnect())
    .then(() => process.exit(0));
});
