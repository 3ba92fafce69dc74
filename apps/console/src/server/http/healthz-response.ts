import type { TConsoleConfig } from "../../config.ts";
import { getConsoleDb } from "../db.ts";
import { checkDatabase } from "../domain/health/check-database.ts";
import { describeError } from "../log.ts";

/** Liveness/readiness probe body: 200 {status:"ok"} while the database answers, 503 otherwise. */
export async function healthzResponse(config: TConsoleConfig): Promise<Response> {
  let database;
  try {
    const db = await getConsoleDb(config);
    database = await checkDatabase({ prisma: db.prisma, embedded: db.embedded });
  } catch (error) {
    database = await checkDatabase({
      prisma: null,
      embedded: config.databaseUrl === null,
      openError: describeError(error),
    });
  }
  const headers = { "cache-control": "no-store" };
  if (!database.reachable) {
    return Response.json({ status: "unavailable", database: "unreachable" }, { status: 503, headers });
  }
  return Response.json({ status: "ok" }, { status: 200, headers });
}
