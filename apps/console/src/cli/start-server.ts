import http from "node:http";
import type { AddressInfo } from "node:net";
import type { TConsoleConfig } from "../config.ts";
import { rootLogger } from "@fleet/log";
import { describeListenError, PortUnavailableError } from "./check-port.ts";

export interface TStartServerOptions {
  config: TConsoleConfig;
  /** The Next.js project directory (apps/console). */
  consoleDir: string;
  /** `next dev` instead of the production build. */
  dev: boolean;
}

export interface TRunningConsole {
  /** e.g. http://localhost:3000 (wildcard binds are shown as localhost). */
  url: string;
  port: number;
  close(): Promise<void>;
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      const line = describeListenError(error, port, host);
      reject(line ? new PortUnavailableError(line) : error);
    };
    server.once("error", onError);
    server.listen({ host, port }, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function displayUrl(host: string, port: number): string {
  const shown = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/**
 * Serves the console with a custom Node http server around Next's request handler. Binds first
 * (so `--port 0` knows its port before Next starts), answering 503 until Next is ready.
 */
export async function startConsoleServer({ config, consoleDir, dev }: TStartServerOptions): Promise<TRunningConsole> {
  let handle: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) | null = null;
  const server = http.createServer((req, res) => {
    if (!handle) {
      res.writeHead(503, { "content-type": "text/plain", "retry-after": "1" }).end("fleet-console is starting\n");
      return;
    }
    handle(req, res).catch((error: unknown) => {
      // An error Next did not handle itself is a bug: its stack goes to the operator's log.
      const stack = error instanceof Error ? error.stack : undefined;
      rootLogger().error({ method: req.method, path: req.url?.split("?")[0], err: error, stack }, "request failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal server error\n");
    });
  });
  const port = await listen(server, config.host, config.port);
  // Imported late: NODE_ENV must be set (main.ts) before Next and React load.
  const { default: next } = await import("next");
  const app = next({ dev, dir: consoleDir, hostname: config.host, port, httpServer: server });
  try {
    await app.prepare();
  } catch (error) {
    server.close();
    throw error;
  }
  handle = app.getRequestHandler();
  return {
    url: displayUrl(config.host, port),
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Give in-flight requests a moment, then cut keep-alive stragglers.
      const force = setTimeout(() => server.closeAllConnections(), 3_000);
      force.unref();
      await closed;
      clearTimeout(force);
      await app.close();
    },
  };
}
