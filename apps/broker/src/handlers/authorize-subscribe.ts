// authorizeSubscribe: a filter outside the subscriber's rights is granted 0x80 (failure) for that
// filter alone [MQTT-3.9.3-2]; the connection and its other filters are unaffected.
import type { Client, Subscription } from "aedes";
import { maySubscribe } from "../auth/acl.ts";
import { describePrincipal } from "../auth/principal.ts";
import { loggableId, type HandlerContext } from "./context.ts";

export function createAuthorizeSubscribe(ctx: HandlerContext) {
  return (
    client: Client,
    subscription: Subscription,
    done: (error: Error | null, subscription?: Subscription | null) => void,
  ): void => {
    const principal = ctx.principals.get(client);
    if (principal !== undefined && maySubscribe(principal, subscription.topic)) {
      done(null, subscription);
      return;
    }
    ctx.metrics.aclDenied.inc({ action: "subscribe" });
    ctx.logger.info(
      {
        clientId: loggableId(client),
        as: principal === undefined ? "unknown" : describePrincipal(principal),
        filter: subscription.topic.slice(0, 256),
      },
      "subscribe denied",
    );
    done(null, null); // aedes answers 0x80 for a null subscription
  };
}
