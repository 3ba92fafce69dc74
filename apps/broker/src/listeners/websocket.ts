// MQTT over WebSocket (and WSS): an HTTP(S) server whose upgrade requests on the configured path
// become duplex streams handed to aedes, as in aedes' docs/Examples.md.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import { createWebSocketStream, WebSocketServer } from "ws";
import type { Logger } from "@fleet/log";

export interface WebSocketListener {
  readonly server: Server;
  readonly wss: WebSocketServer;
}

export interface WebSocketOptions {
  readonly path: string;
  readonly handle: (stream: Duplex, req: IncomingMessage) => void;
  readonly logger: Logger;
  /** Largest WebSocket message accepted; ws refuses (close 1009) before buffering more. */
  readonly maxPayload: number;
  /** Certificate and key for WSS; plain WS without. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
}

export function createWebSocketListener(options: WebSocketOptions): WebSocketListener {
  const server: Server =
    options.tls === undefined ? createHttpServer(answerPlainHttp) : createHttpsServer(options.tls, answerPlainHttp);
  // Requests to other paths are refused by ws with 400 during the upgrade.
  const wss = new WebSocketServer({ server, path: options.path, maxPayload: options.maxPayload });
  // ws re-emits the HTTP server's errors; openListener reports them, this only stops the re-emit from crashing.
  wss.on("error", () => {});
  wss.on("connection", (socket, req) => {
    const stream = createWebSocketStream(socket);
    // aedes attaches its own error handler; this covers the instant before it does.
    stream.on("error", (error) => options.logger.debug({ err: error }, "websocket stream error"));
    options.handle(stream, req);
  });
  return { server, wss };
}

function answerPlainHttp(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(426, { "content-type": "text/plain; charset=utf-8", upgrade: "websocket" });
  res.end("This endpoint speaks MQTT over WebSocket (subprotocol mqtt).\n");
}
