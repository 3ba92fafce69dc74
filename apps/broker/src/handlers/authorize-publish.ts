// authorizePublish: a PUBLISH outside the sender's rights is acknowledged and dropped, not routed.
// MQTT 3.1.1 lets the server either acknowledge it normally or close the connection [MQTT-3.3.5-2];
// dropping keeps a misconfigured client connected and visible in the logs and metrics.
import type { Client, PublishPacket } from "aedes";
import { mayPublish } from "../auth/acl.ts";
import { describePrincipal } from "../auth/principal.ts";
import { loggableId, type HandlerContext } from "./context.ts";

export function createAuthorizePublish(ctx: HandlerContext) {
  return (client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void): void => {
    // client is null only for a Will aedes republishes after its owner's broker died; Wills are
    // checked at CONNECT (authenticate.ts), so only the reserved namespace needs a look here.
    if (client === null) {
      if (packet.topic.startsWith("$")) ctx.dropPublish(packet);
      done(null);
      return;
    }
    const principal = ctx.principals.get(client);
    if (principal !== undefined && mayPublish(principal, packet.topic)) {
      done(null);
      return;
    }
    ctx.dropPublish(packet);
    ctx.metrics.aclDenied.inc({ action: "publish" });
    ctx.logger.info("publish denied", {
      clientId: loggableId(client),
      as: principal === undefined ? "unknown" : describePrincipal(principal),
      topic: packet.topic.slice(0, 256),
    });
    done(null);
  };
}
