// Overlapping subscriptions [MQTT-3.3.5-1]: a client whose filters overlap gets each message once,
// at the highest QoS granted among all its matching filters (capped by the QoS it was published
// with [MQTT-3.8.4-6]).
//
// aedes 1.2 registers one emitter callback per filter (`deliverQoS` for QoS 1/2 filters, `deliver0`
// for QoS 0, read from the client when the filter is added), lets the first callback that runs win
// (dedupe by broker message counter) at that filter's QoS, and then downgrades by looking up
// `client.subscriptions[topic]`, i.e. by the topic name instead of the matching filter. Offline, it
// queues one copy per matching QoS 1/2 filter and sends queued copies at the published QoS.
//
// Three seams fix this without touching aedes:
// * `authorizeSubscribe` (wrapped in GuardedAedes): the QoS granted to each filter is recorded here,
//   and aedes' own subscription record gets QoS 2, so its topic-name downgrade never applies and
//   every filter uses the client's `deliverQoS`; the SUBACK and the persisted subscription keep the
//   granted QoS (aedes takes those from the SUBSCRIBE packet, not from the returned subscription).
// * `deliverAtHighestQos` replaces the client's `deliver0`/`deliverQoS` (right after aedes creates
//   the client, before any filter exists): a copy already delivered through another filter is
//   skipped, otherwise the QoS is min(published, highest granted over the client's matching filters)
//   and aedes' original function of that QoS sends it (packet ids, inflight store, DUP, ACL, drain).
// * `queueOncePerSession` wraps the persistence: one queued copy per session, at that session's
//   highest matching QoS (the store only holds QoS 1/2 filters, the same maximum as live delivery
//   when that is above 0), so a queued copy and the live copy it stands for agree.
import type { Client, Subscription } from "aedes";

type QoS = 0 | 1 | 2;

interface DeliveredPacket {
  readonly topic: string;
  qos: QoS;
  readonly brokerId?: string | null;
  readonly brokerCounter?: number;
}

type Deliver = (packet: DeliveredPacket, done: () => void) => void;

/** The per-client parts of aedes' Client this module relies on (all set in its constructor). */
interface DeliveringClient {
  deliver0: Deliver;
  deliverQoS: Deliver;
  readonly subscriptions: Record<string, { readonly qos: number } | undefined>;
  readonly duplicates: Record<string, number | undefined>;
}

/** Granted QoS per filter, per client. */
export type Grants = WeakMap<Client, Map<string, QoS>>;

/** MQTT topic filter matching, including "a filter starting with a wildcard does not match $ topics" [MQTT-4.7.2-1]. */
export function filterMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  if (topic.startsWith("$") && (filter.startsWith("#") || filter.startsWith("+"))) return false;
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === "#") return true; // also matches the parent level ("a/#" matches "a")
    if (i >= t.length) return false;
    if (level !== "+" && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Record the grant of an accepted filter; return what aedes should store for it (QoS 2: no downgrade of its own). */
export function recordGrant(grants: Grants, client: Client, subscription: Subscription): Subscription {
  let filters = grants.get(client);
  if (filters === undefined) {
    filters = new Map();
    grants.set(client, filters);
  }
  filters.set(subscription.topic, Math.min(Math.max(subscription.qos, 0), 2) as QoS);
  return { ...subscription, qos: 2 };
}

function highestGrant(client: DeliveringClient, filters: Map<string, QoS> | undefined, topic: string): QoS {
  let highest: QoS = 0;
  // aedes' own records: exactly the filters currently registered (unsubscribed ones are gone).
  for (const filter in client.subscriptions) {
    if (!filterMatches(filter, topic)) continue;
    const qos = filters?.get(filter) ?? ((client.subscriptions[filter]?.qos ?? 0) as QoS);
    if (qos > highest) highest = qos;
    if (highest === 2) break;
  }
  return highest;
}

/** Replace the client's per-filter delivery functions by one that delivers once, at the highest granted QoS. */
export function deliverAtHighestQos(client: Client, grants: Grants): void {
  const c = client as unknown as DeliveringClient;
  const deliver0 = c.deliver0;
  const deliverQoS = c.deliverQoS;
  const deliver: Deliver = (packet, done) => {
    // Already handled through an overlapping filter (same check as aedes' dedupe, which updates the
    // counter synchronously when the first filter's callback runs).
    const { brokerId, brokerCounter } = packet;
    if (brokerId && brokerCounter !== undefined && (c.duplicates[brokerId] ?? 0) >= brokerCounter) {
      setImmediate(done);
      return;
    }
    const qos = Math.min(packet.qos, highestGrant(c, grants.get(client), packet.topic)) as QoS;
    if (qos === 0) {
      deliver0(packet, done);
      return;
    }
    packet.qos = qos; // packets reaching here are per-client copies made by aedes
    deliverQoS(packet, done);
  };
  c.deliver0 = deliver;
  c.deliverQoS = deliver;
}

interface QueuedSub {
  readonly clientId: string;
  readonly qos: number;
}

interface EnqueueStore {
  outgoingEnqueueCombi(subs: QueuedSub[], packet: { qos: number }): Promise<void>;
}

/** Persistence wrapper: one queued copy per session, at min(published QoS, its highest matching filter's QoS). */
export function queueOncePerSession<T extends object>(persistence: T): T {
  const store = persistence as unknown as EnqueueStore;
  async function outgoingEnqueueCombi(subs: QueuedSub[], packet: { qos: number }): Promise<void> {
    if (subs.length === 0) return; // the common case (telemetry has no persistent subscriber): no work
    if (subs.length === 1) {
      const only = subs[0] as QueuedSub;
      await store.outgoingEnqueueCombi.call(
        persistence,
        subs,
        only.qos >= packet.qos ? packet : { ...packet, qos: only.qos },
      );
      return;
    }
    const best = new Map<string, QueuedSub>();
    for (const sub of subs) {
      const seen = best.get(sub.clientId);
      if (seen === undefined || sub.qos > seen.qos) best.set(sub.clientId, sub);
    }
    const byQos = new Map<number, QueuedSub[]>();
    for (const sub of best.values()) {
      const qos = Math.min(packet.qos, sub.qos);
      const group = byQos.get(qos);
      if (group === undefined) byQos.set(qos, [sub]);
      else group.push(sub);
    }
    await Promise.all(
      [...byQos].map(([qos, group]) =>
        store.outgoingEnqueueCombi.call(persistence, group, qos === packet.qos ? packet : { ...packet, qos }),
      ),
    );
  }
  return new Proxy(persistence, {
    get(target, property) {
      if (property === "outgoingEnqueueCombi") return outgoingEnqueueCombi;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
