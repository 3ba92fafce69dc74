// authorizeForward: the last check before a message is written to a subscriber. Subscriptions were
// already checked, so this only matters if rights change or a filter slipped through; it also
// counts what leaves the broker.
import type { AedesPublishPacket, Client } from "aedes";
import { mayReceive } from "../auth/acl.ts";
import { payloadLength } from "../metrics.ts";
import type { HandlerContext } from "./context.ts";

export function createAuthorizeForward(ctx: HandlerContext) {
  return (client: Client, packet: AedesPublishPacket): AedesPublishPacket | null => {
    const principal = ctx.principals.get(client);
    if (principal === undefined || !mayReceive(principal, packet.topic)) {
      ctx.metrics.aclDenied.inc({ action: "deliver" });
      return null;
    }
    ctx.metrics.messagesOut.inc();
    ctx.metrics.payloadBytesOut.inc(payloadLength(packet.payload));
    return packet;
  };
}
