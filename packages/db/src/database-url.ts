import { DbError } from "./errors.ts";

export interface TParsedDatabaseUrl {
  url: string;
  host: string;
  port: number;
  database: string;
  user: string;
}

/** Validates a postgres URL up front so a typo fails with a clear line, not a driver stack. */
export function parseDatabaseUrl(raw: string): TParsedDatabaseUrl {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new DbError("BAD_DATABASE_URL", `DATABASE_URL is not a valid URL (expected postgresql://user@host:5432/db)`);
  }
  if (parsed.protocol !== "postgresql:" && parsed.protocol !== "postgres:") {
    throw new DbError(
      "BAD_DATABASE_URL",
      `DATABASE_URL must start with postgresql:// or postgres://, got ${parsed.protocol}//`,
    );
  }
  if (!parsed.hostname) {
    throw new DbError("BAD_DATABASE_URL", "DATABASE_URL has no host (expected postgresql://user@host:5432/db)");
  }
  const port = parsed.port === "" ? 5432 : Number(parsed.port);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!database) {
    throw new DbError("BAD_DATABASE_URL", "DATABASE_URL names no database (expected postgresql://user@host:5432/db)");
  }
  return {
    url: raw,
    host: parsed.hostname,
    port,
    database,
    user: decodeURIComponent(parsed.username) || "postgres",
  };
}

/** The URL with its password masked, safe for logs. */
export function redactDatabaseUrl(raw: string): string {
  try {
    const parsed = new URL(raw);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<invalid DATABASE_URL>";
  }
}
