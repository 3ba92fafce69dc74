// The aedes hooks of the Fleet broker, one file per concern (like aedes' own lib/handlers).
import type { AedesOptions } from "aedes";
import { createAuthenticate } from "./authenticate.ts";
import { createAuthorizeForward } from "./authorize-forward.ts";
import { createAuthorizePublish } from "./authorize-publish.ts";
import { createAuthorizeSubscribe } from "./authorize-subscribe.ts";
import type { HandlerContext } from "./context.ts";
import { createPreConnect } from "./pre-connect.ts";

export type { ConnectFacts, HandlerContext } from "./context.ts";

export function createHandlers(
  ctx: HandlerContext,
): Required<
  Pick<AedesOptions, "preConnect" | "authenticate" | "authorizePublish" | "authorizeSubscribe" | "authorizeForward">
> {
  return {
    preConnect: createPreConnect(ctx),
    authenticate: createAuthenticate(ctx),
    authorizePublish: createAuthorizePublish(ctx),
    authorizeSubscribe: createAuthorizeSubscribe(ctx),
    authorizeForward: createAuthorizeForward(ctx),
  };
}
