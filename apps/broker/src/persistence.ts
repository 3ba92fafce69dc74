// Where sessions, retained messages and offline queues live: aedes' in-memory store by default;
// with REDIS_URL, Redis (aedes-persistence-redis) plus a Redis message bus (mqemitter-redis) so that
// several broker processes form one cluster. Either way a session queues one copy of a message at its
// highest matching QoS (max-qos-delivery.ts), offline queues are bounded (bounded-queues.ts) and
// redeliveries carry DUP=1 (redelivery-dup.ts).
import { createRequire } from "node:module";
import type { PublishPacket } from "aedes";
import { Redis } from "ioredis";
import { boundQueues } from "./limits/bounded-queues.ts";
import { queueOncePerSession } from "./max-qos-delivery.ts";
import { markRedeliveries } from "./redelivery-dup.ts";

// CommonJS packages whose typings declare an ESM default export they do not have: load them as CJS.
const require = createRequire(import.meta.url);
const memoryPersistence = require("aedes-persistence") as () => object;
const redisPersistence = require("aedes-persistence-redis") as (options: { conn: Redis }) => object;
const mqemitterRedis = require("mqemitter-redis") as (options: { connectionString: string }) => object;

export interface BrokerStores {
  /** aedes `persistence` option. */
  readonly persistence: object;
  /** aedes `mq` option; undefined = aedes' in-process emitter. */
  readonly mq: object | undefined;
  /** Closes what aedes does not close itself (Redis connections). */
  close(): Promise<void>;
}

export interface StoreOptions {
  readonly offlineQueueMax: number;
  readonly onQueueDrop: (clientId: string, packet: PublishPacket) => void;
}

export function createMemoryStores(options: StoreOptions): BrokerStores {
  const persistence = queueOncePerSession(
    boundQueues(markRedeliveries(memoryPersistence()), { max: options.offlineQueueMax, onDrop: options.onQueueDrop }),
  );
  return { persistence, mq: undefined, close: async () => {} };
}

/**
 * Cluster mode: sessions, retained messages and queues in Redis under `keyPrefix`; messages between
 * nodes over Redis pub/sub (channels are the MQTT topics, so give each cluster its own Redis server).
 */
export function createRedisStores(url: string, keyPrefix: string, options: StoreOptions): BrokerStores {
  const conn = new Redis(url, { keyPrefix, lazyConnect: false });
  const persistence = queueOncePerSession(
    boundQueues(markRedeliveries(redisPersistence({ conn })), {
      max: options.offlineQueueMax,
      onDrop: options.onQueueDrop,
      // Exact on every node: the queue is a Redis list (aedes-persistence-redis' `outgoing:<id>`).
      countQueued: async (clientIds) => {
        const pipeline = conn.pipeline();
        for (const id of clientIds) pipeline.llen(`outgoing:${encodeURIComponent(id)}`);
        const results = (await pipeline.exec()) ?? [];
        return results.map(([error, length]) => (error === null ? Number(length) : 0));
      },
    }),
  );
  return {
    persistence,
    mq: mqemitterRedis({ connectionString: url }),
    close: async () => {
      await conn.quit().catch(() => conn.disconnect());
    },
  };
}
