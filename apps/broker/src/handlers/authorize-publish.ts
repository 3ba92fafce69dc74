// authorizePublish: a PUBLISH outside the sender's rights is acknowledged and dropped, not routed.
// MQTT 3.1.1 lets the server either acknowledge it normally or close the connection [MQTT-3.3.5-2];
// dropping keeps a misconfigured client connected and visible in the logs and metrics.
// Devices and anonymous clients are also held to MQTT_PUBLISH_RATE; beyond it they are disconnected
// (a LimitError, counted and logged with every other breach in server.ts).
import type { Client, PublishPacket } from "aedes";
import { mayPublish } from "../auth/acl.ts";
import { describePrincipal } from "../auth/principal.ts";
import { LimitError } from "../limits/limit-error.ts";
import { createRateLimiter } from "../limits/publish-rate.ts";
import { loggableId, type HandlerContext } from "./context.ts";

function withinRate(ctx: HandlerContext, client: Client): boolean {
  if (ctx.limits.publishRate === 0) return true;
  let limiter = ctx.rateLimiters.get(client);
  if (limiter === undefined) {
    limiter = createRateLimiter(ctx.limits.publishRate);
    ctx.rateLimiters.set(client, limiter);
  }
  return limiter.take();
}

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
    // client.closed: aedes is publishing the Will of a dropped connection, not a PUBLISH of the client.
    if (!client.closed && principal?.kind !== "service" && !withinRate(ctx, client)) {
      // aedes closes the connection on an error here and reports it as a clientError (counted there).
      done(new LimitError("publish_rate", `more than ${ctx.limits.publishRate} PUBLISH per second`));
      return;
    }
    if (principal !== undefined && mayPublish(principal, packet.topic)) {
      done(null);
      return;
    }
    ctx.dropPublish(packet);
    ctx.metrics.aclDenied.inc({ action: "publish" });
    ctx.logger.info(
      {
        clientId: loggableId(client),
        as: principal === undefined ? "unknown" : describePrincipal(principal),
        topic: packet.topic.slice(0, 256),
      },
      "publish denied",
    );
    done(null);
  };
}
