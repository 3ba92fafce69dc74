// Where a running broker can be reached, for the readiness line and for whoever starts the stack.
import type { BrokerConfig } from "./config.ts";

export interface BrokerPorts {
  readonly mqtt: number;
  readonly ws: number | null;
  readonly tls: number | null;
  readonly wss: number | null;
  readonly metrics: number | null;
}

export interface BrokerUrls {
  readonly mqtt: string;
  readonly ws: string | null;
  readonly mqtts: string | null;
  readonly wss: string | null;
  readonly metrics: string | null;
}

export function brokerUrls(config: BrokerConfig, ports: BrokerPorts): BrokerUrls {
  const host = urlHost(config.host);
  const path = config.wsPath;
  return {
    mqtt: `mqtt://${host}:${ports.mqtt}`,
    ws: ports.ws === null ? null : `ws://${host}:${ports.ws}${path}`,
    mqtts: ports.tls === null ? null : `mqtts://${host}:${ports.tls}`,
    wss: ports.wss === null ? null : `wss://${host}:${ports.wss}${path}`,
    metrics:
      ports.metrics === null || config.metrics === null
        ? null
        : `http://${urlHost(config.metrics.host)}:${ports.metrics}/metrics`,
  };
}

/** `fleet-broker: mqtt://0.0.0.0:1883  ws://0.0.0.0:8083/mqtt  metrics http://127.0.0.1:9464/metrics` */
export function readinessLine(urls: BrokerUrls): string {
  const parts = [urls.mqtt, urls.ws, urls.mqtts, urls.wss, urls.metrics === null ? null : `metrics ${urls.metrics}`];
  return `fleet-broker: ${parts.filter((part) => part !== null).join("  ")}`;
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
