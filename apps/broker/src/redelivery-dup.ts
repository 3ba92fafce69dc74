// DUP on redelivery [MQTT-3.3.1-1]: aedes 1.2 resends a persistent session's unacknowledged QoS 1/2
// PUBLISH on reconnect (read back through `outgoingStream`) with DUP=0. A stored packet that already
// has a packet id was sent before (aedes assigns the id in `outgoingUpdate` right before the first
// write; a message queued while the client was offline has none), so it is marked DUP=1 here, and
// aedes' QoSPacket copies the flag onto the wire. Messages queued offline still go out with DUP=0.
import type { Readable } from "node:stream";

interface StoredPacket {
  readonly cmd?: string;
  readonly messageId?: number;
  readonly dup?: boolean;
}

interface OutgoingStore {
  outgoingStream(client: { id: string }): Readable | AsyncIterable<StoredPacket>;
}

export function markRedeliveries<T extends object>(persistence: T): T {
  const store = persistence as unknown as OutgoingStore;
  async function* marked(client: { id: string }): AsyncGenerator<StoredPacket> {
    for await (const packet of store.outgoingStream.call(persistence, client) as AsyncIterable<StoredPacket>) {
      const resent =
        (packet.cmd === undefined || packet.cmd === "publish") &&
        typeof packet.messageId === "number" &&
        packet.messageId > 0;
      yield resent ? { ...packet, dup: true } : packet; // a copy: the stored packet stays as it was
    }
  }
  return new Proxy(persistence, {
    get(target, property) {
      if (property === "outgoingStream") return marked;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
