import net from "node:net";
import { describeError, reportProblem } from "../../log.ts";
import type { TBrokerStatus } from "./stack-status.types.ts";

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  "mqtt:": 1883,
  "tcp:": 1883,
  "mqtts:": 8883,
  "ws:": 80,
  "wss:": 443,
};

/** MQTT_URL as shown to anyone: credentials removed. */
export function redactBrokerUrl(raw: string): string {
  const url = new URL(raw);
  url.username = "";
  url.password = "";
  return url.toString().replace(/\/$/, "");
}

/** Whether the broker's host:port accepts a TCP connection (no MQTT session is opened). */
export async function checkBroker({
  mqttUrl,
  timeoutMs = 2_000,
}: {
  mqttUrl: string | null;
  timeoutMs?: number;
}): Promise<TBrokerStatus> {
  if (mqttUrl === null) return { configured: false, url: null, reachable: null, problem: null };
  const url = new URL(mqttUrl);
  const port = url.port === "" ? (DEFAULT_PORTS[url.protocol] ?? 1883) : Number(url.port);
  // URL keeps IPv6 hosts bracketed; net.connect wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const shown = redactBrokerUrl(mqttUrl);
  try {
    await connectOnce(host, port, timeoutMs);
    reportProblem("broker", null);
    return { configured: true, url: shown, reachable: true, problem: null };
  } catch (error) {
    reportProblem("broker", `${shown}: ${describeError(error)}`);
    return { configured: true, url: shown, reachable: false, problem: `no answer on ${host}:${port}` };
  }
}

function connectOnce(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    socket.once("connect", () => {
      socket.end();
      resolve();
    });
    socket.once("error", reject);
  });
}
