import { CONSOLE_VERSION } from "../../../version.ts";
import { checkBroker } from "./check-broker.ts";
import { checkDatabase, type TCheckDatabaseOptions } from "./check-database.ts";
import type { TStackStatus } from "./stack-status.types.ts";

export interface TGetStackStatusOptions {
  database: TCheckDatabaseOptions;
  mqttUrl: string | null;
  publicUrl: string | null;
  now?: Date;
}

/** What is running and whether it answers: the console itself, its database, its broker. */
export async function getStackStatus({
  database,
  mqttUrl,
  publicUrl,
  now = new Date(),
}: TGetStackStatusOptions): Promise<TStackStatus> {
  const [databaseStatus, brokerStatus] = await Promise.all([checkDatabase(database), checkBroker({ mqttUrl })]);
  const uptimeSeconds = Math.floor(process.uptime());
  const healthy = databaseStatus.reachable && brokerStatus.reachable !== false;
  return {
    status: healthy ? "ok" : "degraded",
    checkedAt: now,
    console: {
      version: CONSOLE_VERSION,
      nodeVersion: process.versions.node,
      startedAt: new Date(now.getTime() - uptimeSeconds * 1000),
      uptimeSeconds,
      publicUrl,
    },
    database: databaseStatus,
    broker: brokerStatus,
  };
}
