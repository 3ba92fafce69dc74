import net from "node:net";

/** The one line printed when the console cannot bind its port. */
export function portInUseMessage(port: number): string {
  return `CONSOLE_PORT ${port} is already in use; set CONSOLE_PORT (or --port) to a free port`;
}

export class PortUnavailableError extends Error {
  override readonly name = "PortUnavailableError";
}

/** Turns a listen() failure into the operator's one line, or null if it is something else. */
export function describeListenError(error: unknown, port: number, host: string): string | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "EADDRINUSE") return portInUseMessage(port);
  if (code === "EACCES")
    return `CONSOLE_PORT ${port} needs privileges on this machine; set CONSOLE_PORT (or --port) to a port above 1023`;
  if (code === "EADDRNOTAVAIL")
    return `CONSOLE_HOST ${host} is not an address of this machine; set CONSOLE_HOST (or --host)`;
  return null;
}

/**
 * Fails fast, before a minute-long build, when the port is taken. The real listen() reports the
 * same way, since another process may grab the port in between.
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error) => {
      reject(new PortUnavailableError(describeListenError(error, port, host) ?? String(error)));
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
