import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { DbError, describeError } from "../errors.ts";
import { ensureWritableDir } from "./data-dir.ts";
import { acquireOwnerLock } from "./owner-lock.ts";
import { PgliteWireServer } from "./pglite-wire-server.ts";

export interface TEmbeddedPostgres {
  url: string;
  host: string;
  port: number;
  /** True in the process that opened PGlite; false when it attached to another process's server. */
  owner: boolean;
  dataDir: string;
  close(): Promise<void>;
}

export interface TEmbeddedOptions {
  /** FLEET_DATA_DIR; the database lives in `<dataDir>/db`. */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Clients served at once; they take turns on PGlite's single backend (see pglite-wire-server.ts). */
  maxConnections?: number;
}

export function embeddedUrl(host: string, port: number): string {
  return `postgresql://postgres@${host}:${port}/postgres?sslmode=disable`;
}

/** Serves an existing PGlite instance on a loopback socket (used for the data dir and for tests). */
export async function servePglite(
  db: PGlite,
  options: { host?: string; port?: number; maxConnections?: number } = {},
): Promise<{ host: string; port: number; url: string; stop: () => Promise<void> }> {
  const host = options.host ?? "127.0.0.1";
  // Not pglite-socket's server: it lets clients' extended-query batches interleave (see the module).
  const server = new PgliteWireServer({
    db,
    host,
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 64,
  });
  let port: number;
  try {
    port = await server.start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "EADDRINUSE" ? "is already in use" : `failed (${describeError(error)})`;
    throw new DbError(
      "UNREACHABLE",
      `embedded database port ${host}:${options.port ?? 0} ${reason}; set FLEET_DB_PORT to a free port`,
      { cause: error },
    );
  }
  return { host, port, url: embeddedUrl(host, port), stop: () => server.stop() };
}

/**
 * Opens `<dataDir>/db` with PGlite and serves it on loopback, or attaches to the process that
 * already does (one owner per data directory; see owner-lock.ts).
 */
export async function openEmbeddedPostgres(options: TEmbeddedOptions): Promise<TEmbeddedPostgres> {
  const dataDir = await ensureWritableDir(options.dataDir);
  const lock = await acquireOwnerLock(path.join(dataDir, "db.lock"));
  if (lock.kind === "attach") {
    return {
      url: embeddedUrl(lock.host, lock.port),
      host: lock.host,
      port: lock.port,
      owner: false,
      dataDir,
      close: async () => {},
    };
  }
  let db: PGlite | undefined;
  try {
    db = await PGlite.create(path.join(dataDir, "db"));
    const served = await servePglite(db, {
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
    });
    await lock.release({ host: served.host, port: served.port });
    const opened = db;
    return {
      url: served.url,
      host: served.host,
      port: served.port,
      owner: true,
      dataDir,
      close: async () => {
        await served.stop();
        await opened.close();
        await lock.unlock();
      },
    };
  } catch (error) {
    await db?.close().catch(() => {});
    await lock.unlock();
    if (error instanceof DbError) throw error;
    throw new DbError(
      "DATA_DIR_NOT_WRITABLE",
      `cannot open the embedded database in ${path.join(dataDir, "db")} (${describeError(error)})`,
      { cause: error },
    );
  }
}
