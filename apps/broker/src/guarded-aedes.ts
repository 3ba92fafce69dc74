// aedes with one addition: a PUBLISH the ACL refused can be acknowledged yet routed nowhere.
// aedes closes the connection when authorizePublish fails; MQTT 3.1.1 also allows a normal
// acknowledgement instead [MQTT-3.3.5-2], which is what `drop` gives (no retain, no delivery, no Will).
// And overlapping subscriptions get one delivery at the highest granted QoS [MQTT-3.3.5-1]
// (max-qos-delivery.ts; the offline-queue half is a persistence wrapper, see persistence.ts).
import { Aedes, type AedesOptions, type Client, type PublishPacket } from "aedes";
import { deliverAtHighestQos, recordGrant, type Grants } from "./max-qos-delivery.ts";

type TPublishCallback = (error?: Error) => void;
type TPublish = (packet: PublishPacket, client: Client | null, done?: TPublishCallback) => void;

export class GuardedAedes extends Aedes {
  readonly #dropped = new WeakSet<object>();
  readonly #grants: Grants = new WeakMap();

  constructor(options?: AedesOptions) {
    super(options);
    const handle = this.handle;
    this.handle = (stream, request) => {
      const client = handle.call(this, stream, request);
      deliverAtHighestQos(client, this.#grants); // before CONNECT, so before any filter is added
      return client;
    };
    const authorizeSubscribe = this.authorizeSubscribe;
    this.authorizeSubscribe = (client, subscription, done) => {
      authorizeSubscribe.call(this, client, subscription, (error, granted) => {
        if (error !== null || granted === null || granted === undefined) done(error, granted);
        else done(null, recordGrant(this.#grants, client, granted));
      });
    };
  }

  /** Mark a packet passed to authorizePublish so the publish that follows is skipped. */
  drop(packet: PublishPacket): void {
    this.#dropped.add(packet);
  }

  /** Clients connected to this node (aedes keeps them in `clients`, which its typings omit). */
  listClients(): Client[] {
    return Object.values((this as unknown as { clients: Record<string, Client> }).clients);
  }

  // aedes calls publish(packet, client, done) internally; its typings only show (packet, done).
  override publish(
    packet: PublishPacket,
    clientOrDone?: Client | null | TPublishCallback,
    maybeDone?: TPublishCallback,
  ): void {
    const client = typeof clientOrDone === "function" ? null : (clientOrDone ?? null);
    const done = typeof clientOrDone === "function" ? clientOrDone : maybeDone;
    if (this.#dropped.has(packet)) {
      this.#dropped.delete(packet);
      if (done !== undefined) setImmediate(done);
      return;
    }
    (Aedes.prototype.publish as unknown as TPublish).call(this, packet, client, done);
  }
}
