// Whether Mosquitto listens on 127.0.0.1:1883. Same rule as the other apps' service checks: under
// CI=true a missing service fails the test; elsewhere the test is skipped with the reason printed.
import { connect } from "node:net";

export const MOSQUITTO_URL = "mqtt://127.0.0.1:1883";

export function tcpReachable(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** true when the tests may run; throws under CI when the service is missing. */
export async function checkMosquitto(ci: boolean): Promise<boolean> {
  if (await tcpReachable("127.0.0.1", 1883)) return true;
  const reason = "Mosquitto is not listening on 127.0.0.1:1883";
  if (ci) throw new Error(`${reason} (required under CI=true)`);
  console.warn(`skipping Mosquitto interop tests: ${reason}`);
  return false;
}
