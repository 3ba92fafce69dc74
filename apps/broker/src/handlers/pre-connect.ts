// preConnect: remember what CONNECT said that aedes does not pass to `authenticate`.
import type { Client, ConnectPacket } from "aedes";
import type { HandlerContext } from "./context.ts";

export function createPreConnect(ctx: HandlerContext) {
  return (client: Client, packet: ConnectPacket, done: (error: Error | null, success: boolean) => void): void => {
    ctx.connectFacts.set(client, {
      assignedClientId: packet.clientId === "",
      cleanSession: packet.clean !== false,
      willTopic: packet.will?.topic,
      keepalive: packet.keepalive ?? 0,
    });
    done(null, true);
  };
}
