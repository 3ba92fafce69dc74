// Telemetry ingest on every broker node: aedes' `published` hook sees each message this node
// accepted (from its own clients, and the Wills of its clients) exactly once, so N nodes of a
// cluster never write a message twice. The hook's callback is what lets aedes send the PUBACK, so
// waiting on the writer is the backpressure. Device status also follows connect and disconnect.
import type { AedesPublishPacket, Client, PublishPacket } from "aedes";
import { decodeMessage, TOPIC_ROOT } from "@fleet/protocol";
import type { Principal } from "../auth/principal.ts";
import type { Logger } from "@fleet/log";
import type { BrokerMetrics } from "../metrics.ts";
import { rowsOf } from "./ingest-rows.ts";
import type { IngestWriter } from "./ingest-writer.ts";

const PREFIX = `${TOPIC_ROOT}/`;
/** At most one "invalid payload" log line per device and channel per this period. */
const LOG_EVERY_MS = 10_000;

export interface IngestHookOptions {
  readonly writer: IngestWriter;
  readonly principals: WeakMap<Client, Principal>;
  readonly logger: Logger;
  readonly metrics: BrokerMetrics;
}

export function createIngestHook(options: IngestHookOptions) {
  const { writer, logger, metrics } = options;
  const lastLogged = new Map<string, number>();

  const logInvalid = (topic: string, fields: Record<string, unknown>): void => {
    const key = topic.slice(0, 128);
    const t = Date.now();
    if ((lastLogged.get(key) ?? 0) + LOG_EVERY_MS > t) return;
    if (lastLogged.size > 10_000) lastLogged.clear();
    lastLogged.set(key, t);
    logger.warn({ topic: key, ...fields }, "invalid payload dropped");
  };

  const deviceOf = (client: Client): string | null => {
    const principal = options.principals.get(client);
    return principal?.kind === "device" ? principal.deviceId : null;
  };

  return {
    published(packet: AedesPublishPacket | PublishPacket, _client: Client | null, done: (error?: Error) => void): void {
      const { topic } = packet;
      if (!topic.startsWith(PREFIX) || topic.endsWith("/desired")) {
        done();
        return;
      }
      const payload = packet.payload;
      // An empty retained message clears a topic [MQTT-3.3.1-10]: nothing to ingest, nothing wrong.
      if (payload.length === 0) {
        done();
        return;
      }
      const decoded = decodeMessage(topic, payload);
      if (!decoded.ok) {
        metrics.invalidPayloads.inc({ code: decoded.error.code });
        logInvalid(topic, { code: decoded.error.code, error: decoded.error.message });
        done();
        return;
      }
      const mapped = rowsOf(decoded.value, new Date().toISOString());
      if (!mapped.ok) {
        metrics.invalidPayloads.inc({ code: "out_of_range" });
        logInvalid(topic, { code: "out_of_range", error: mapped.reason });
        done();
        return;
      }
      writer.add(mapped.batch, decoded.value.deviceId, mapped.device).then(() => done());
    },
    onClientReady(client: Client): void {
      const deviceId = deviceOf(client);
      if (deviceId !== null) void writer.add(null, deviceId, { status: "ONLINE", seenAt: new Date().toISOString() });
    },
    onClientDisconnect(client: Client): void {
      const deviceId = deviceOf(client);
      if (deviceId !== null) void writer.add(null, deviceId, { status: "OFFLINE", seenAt: new Date().toISOString() });
    },
  };
}
