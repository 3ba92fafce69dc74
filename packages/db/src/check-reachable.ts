import pg from "pg";
import { parseDatabaseUrl, redactDatabaseUrl } from "./database-url.ts";
import { DbError, describeError } from "./errors.ts";

/** Connects once so an unreachable or misnamed database fails early with one clear line. */
export async function checkReachable(url: string, timeoutMs = 5_000): Promise<void> {
  const target = parseDatabaseUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code && !describeError(error).includes(code) ? `${code}: ${describeError(error)}` : describeError(error);
    throw new DbError(
      "UNREACHABLE",
      `cannot reach PostgreSQL at ${target.host}:${target.port}/${target.database} (${why}); check DATABASE_URL (${redactDatabaseUrl(url)})`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => {});
  }
}
