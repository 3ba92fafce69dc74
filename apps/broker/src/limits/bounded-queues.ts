// Bounded offline queues: aedes queues every QoS 1/2 message for every persistent session that
// matches, without limit, so one device offline for a week would hold a week of messages. This
// wraps the persistence and skips the enqueue for a session already holding `max` messages
// (newest dropped, like Mosquitto's max_queued_messages), reporting each drop.
//
// Queue lengths come from `countQueued` when the store can answer exactly (Redis: LLEN, so every
// node of a cluster sees the same number); otherwise they are tracked here, which is exact for
// the in-memory store of a single node.
import type { PublishPacket } from "aedes";

interface Sub {
  readonly clientId: string;
}

/** The part of aedes' persistence interface this wrapper touches. */
interface QueueStore {
  outgoingEnqueue(sub: Sub, packet: PublishPacket): Promise<void>;
  outgoingEnqueueCombi(subs: Sub[], packet: PublishPacket): Promise<void>;
  outgoingClearMessageId(client: { id: string }, packet: { messageId?: number }): Promise<unknown>;
}

export interface BoundedQueuesOptions {
  readonly max: number;
  /** Exact queue length from the store, when it can tell (one call for many ids). */
  readonly countQueued?: (clientIds: readonly string[]) => Promise<number[]>;
  readonly onDrop: (clientId: string, packet: PublishPacket) => void;
}

export function boundQueues<T extends object>(persistence: T, options: BoundedQueuesOptions): T {
  const store = persistence as unknown as QueueStore;
  const tracked = new Map<string, number>();

  const lengths = async (ids: readonly string[]): Promise<number[]> =>
    options.countQueued === undefined ? ids.map((id) => tracked.get(id) ?? 0) : options.countQueued(ids);

  const admit = async (subs: readonly Sub[], packet: PublishPacket): Promise<Sub[]> => {
    if (subs.length === 0) return [];
    const counts = await lengths(subs.map((sub) => sub.clientId));
    const admitted: Sub[] = [];
    subs.forEach((sub, i) => {
      if ((counts[i] ?? 0) < options.max) {
        admitted.push(sub);
        tracked.set(sub.clientId, (tracked.get(sub.clientId) ?? 0) + 1);
      } else {
        options.onDrop(sub.clientId, packet);
      }
    });
    return admitted;
  };

  const overrides: Partial<QueueStore> = {
    async outgoingEnqueueCombi(subs, packet) {
      const admitted = await admit(subs, packet);
      if (admitted.length > 0) await store.outgoingEnqueueCombi.call(persistence, admitted, packet);
    },
    async outgoingEnqueue(sub, packet) {
      const admitted = await admit([sub], packet);
      if (admitted.length > 0) await store.outgoingEnqueue.call(persistence, sub, packet);
    },
    async outgoingClearMessageId(client, packet) {
      const cleared = await store.outgoingClearMessageId.call(persistence, client, packet);
      const count = tracked.get(client.id);
      if (count !== undefined) {
        if (count <= 1) tracked.delete(client.id);
        else tracked.set(client.id, count - 1);
      }
      return cleared;
    },
  };

  // Stores keep state in private fields, so every other method must run with the real object as `this`.
  return new Proxy(persistence, {
    get(target, property) {
      if (typeof property === "string" && property in overrides) return overrides[property as keyof QueueStore];
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
