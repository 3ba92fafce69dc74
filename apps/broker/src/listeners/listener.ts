// Opening a server on a port with errors that name the setting, and closing it without
// leaving sockets behind (half-open clients that never sent CONNECT included).
import type { Server, Socket } from "node:net";
import { ListenError } from "../errors.ts";
import type { Logger } from "@fleet/log";
import { settingSpec, type TSettingName } from "../settings.ts";

export interface ListenTarget {
  readonly host: string;
  readonly port: number;
  /** Setting that chose the port, named in errors (e.g. MQTT_PORT). */
  readonly setting: TSettingName;
  /** Setting that chose the host (MQTT_HOST or METRICS_HOST). */
  readonly hostSetting: TSettingName;
}

export interface OpenListener {
  readonly port: number;
  /** Refuse new connections; existing ones stay until close(). */
  stopAccepting(): void;
  /** Stop accepting, destroy remaining sockets, resolve once the server is closed. */
  close(): Promise<void>;
}

export interface OpenOptions {
  readonly logger: Logger;
  readonly onSocket?: (socket: Socket) => void;
  /** Extra teardown before sockets are destroyed (e.g. the WebSocket server). */
  readonly beforeClose?: () => void;
}

export async function openListener(server: Server, target: ListenTarget, options: OpenOptions): Promise<OpenListener> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    options.onSocket?.(socket);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off("listening", onListening);
      reject(toListenError(error, target));
    };
    const onListening = (): void => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen({ host: target.host, port: target.port });
  });
  server.on("error", (error) => options.logger.error({ setting: target.setting, err: error }, "listener error"));

  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : target.port;
  const closed = new Promise<void>((resolve) => server.once("close", () => resolve()));

  const stopAccepting = (): void => {
    if (server.listening) server.close();
  };
  return {
    port,
    stopAccepting,
    async close() {
      stopAccepting();
      options.beforeClose?.();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function toListenError(error: NodeJS.ErrnoException, target: ListenTarget): ListenError {
  const { setting, hostSetting, port, host } = target;
  const change = `set ${setting} (or ${settingSpec(setting).flag})`;
  switch (error.code) {
    case "EADDRINUSE":
      return new ListenError(
        "port_in_use",
        setting,
        port,
        `${setting} ${port} is already in use; ${change} to a free port`,
        { cause: error },
      );
    case "EACCES":
      return new ListenError(
        "port_forbidden",
        setting,
        port,
        `${setting} ${port} needs privileges this process lacks; ${change} to a port above 1023`,
        { cause: error },
      );
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
      return new ListenError(
        "listen_failed",
        hostSetting,
        port,
        `${hostSetting} ${host} is not an address of this machine; set ${hostSetting} (or ${settingSpec(hostSetting).flag}) to one of its addresses or 0.0.0.0`,
        { cause: error },
      );
    default:
      return new ListenError(
        "listen_failed",
        setting,
        port,
        `${setting} ${port} on ${host} could not be opened: ${error.code ?? error.message}`,
        { cause: error },
      );
  }
}
