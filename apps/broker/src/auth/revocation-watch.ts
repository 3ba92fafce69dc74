// Disconnects devices that were disabled or deleted while connected. Polling the Device table every
// few seconds works the same on PostgreSQL and embedded PGlite (which has no LISTEN/NOTIFY across
// its socket multiplexer), and costs one indexed query per interval for all devices on this node.
import type { Client } from "aedes";
import type { Logger } from "@fleet/log";
import type { DeviceDirectory } from "./device-directory.ts";
import type { Principal } from "./principal.ts";

/** Default interval: a disabled device is gone within this plus one query. */
export const DEFAULT_RECHECK_MS = 2_000;

export interface RevocationWatchOptions {
  /** Clients connected to this node. */
  readonly listClients: () => Iterable<Client>;
  readonly devices: DeviceDirectory;
  readonly principals: WeakMap<Client, Principal>;
  readonly intervalMs: number;
  readonly logger: Logger;
  /** Called for each device disconnected (cache eviction, metrics). */
  readonly onRevoked: (deviceId: string) => void;
}

export interface RevocationWatch {
  /** Runs one check now (also used by tests); resolves when done. */
  checkNow(): Promise<void>;
  stop(): void;
}

export function startRevocationWatch(options: RevocationWatchOptions): RevocationWatch {
  let running: Promise<void> | null = null;

  const check = async (): Promise<void> => {
    const connected = new Map<string, Client>();
    for (const client of options.listClients()) {
      const principal = options.principals.get(client);
      if (principal?.kind === "device" && !client.closed) connected.set(principal.deviceId, client);
    }
    if (connected.size === 0) return;
    const enabled = await options.devices.enabledAmong([...connected.keys()]);
    for (const [deviceId, client] of connected) {
      if (enabled.has(deviceId)) continue;
      options.logger.info({ deviceId }, "device disabled or deleted, disconnecting");
      options.onRevoked(deviceId);
      client.close();
    }
  };

  const checkNow = (): Promise<void> => {
    // Never two checks at once: a slow database must not pile queries up.
    running ??= check()
      .catch((error: unknown) => options.logger.warn({ err: error }, "device re-check failed, will retry"))
      .finally(() => (running = null));
    return running;
  };

  const timer = setInterval(() => void checkNow(), options.intervalMs);
  timer.unref();
  return { checkNow, stop: () => clearInterval(timer) };
}
