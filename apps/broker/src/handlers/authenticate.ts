// authenticate: decide the principal of a CONNECT or refuse it with the right CONNACK return code.
//   2 identifier rejected   client id is not a device id (`+ # /`, upper case, ...) [MQTT-3.1.3-9];
//                           keepalive outside MQTT_KEEPALIVE_MIN..MAX (3.1.1 has no better code;
//                           Mosquitto answers the same for max_keepalive)
//   3 server unavailable    the Authenticator failed (e.g. database down)
//   4 bad username/password username not a device id, or credentials the Authenticator refused
//   5 not authorized        no credentials and anonymous mode off; device id mismatch; Will not allowed;
//                           right secret of a disabled device
import type { AuthenticateError, Client } from "aedes";
import { isDeviceId } from "@fleet/protocol";
import { mayPublish } from "../auth/acl.ts";
import type { AuthRefusal } from "../auth/authenticator.ts";
import { ANONYMOUS, describePrincipal, type Principal } from "../auth/principal.ts";
import { loggableId, type HandlerContext } from "./context.ts";

type TReturnCode = 2 | 3 | 4 | 5;
type TDecision = { principal: Principal } | { returnCode: TReturnCode; reason: string };

export function createAuthenticate(ctx: HandlerContext) {
  return (
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void => {
    const timer = ctx.metrics.authSeconds.startTimer();
    decide(ctx, client, username, password).then(
      (decision) => {
        timer({ outcome: "principal" in decision ? "accepted" : "refused" });
        if ("principal" in decision) {
          ctx.principals.set(client, decision.principal);
          ctx.logger.debug(
            {
              clientId: loggableId(client),
              as: describePrincipal(decision.principal),
            },
            "client authenticated",
          );
          done(null, true);
          return;
        }
        ctx.metrics.authFailures.inc({ return_code: String(decision.returnCode) });
        ctx.logger.info(
          {
            clientId: loggableId(client),
            returnCode: decision.returnCode,
            reason: decision.reason,
          },
          "connection refused",
        );
        const error = Object.assign(new Error(decision.reason), { returnCode: decision.returnCode });
        done(error as AuthenticateError, false);
      },
      (error: unknown) => {
        timer({ outcome: "failed" });
        ctx.logger.error({ clientId: loggableId(client), err: error }, "authenticate hook failed");
        done(Object.assign(new Error("server unavailable"), { returnCode: 3 }) as AuthenticateError, false);
      },
    );
  };
}

async function decide(
  ctx: HandlerContext,
  client: Client,
  username: string | undefined,
  password: Buffer | undefined,
): Promise<TDecision> {
  const facts = ctx.connectFacts.get(client);
  const hasCredentials = username !== undefined || password !== undefined;

  if (facts?.assignedClientId) {
    // A made-up id cannot be a device; only anonymous clean sessions may go without one [MQTT-3.1.3-8].
    if (hasCredentials || !ctx.allowAnonymous || !facts.cleanSession) {
      return { returnCode: 2, reason: "a client id is required" };
    }
  } else if (!isDeviceId(client.id)) {
    return { returnCode: 2, reason: "client id must match ^[a-z0-9][a-z0-9-]{0,63}$" };
  }

  if (facts !== undefined && (facts.keepalive < ctx.limits.keepaliveMin || facts.keepalive > ctx.limits.keepaliveMax)) {
    ctx.metrics.countLimit("keepalive");
    return {
      returnCode: 2,
      reason: `keepalive ${facts.keepalive}s outside ${ctx.limits.keepaliveMin}..${ctx.limits.keepaliveMax}s`,
    };
  }

  let principal: Principal;
  if (!hasCredentials) {
    if (!ctx.allowAnonymous) return { returnCode: 5, reason: "credentials required" };
    principal = ANONYMOUS;
  } else {
    if (username === undefined || !isDeviceId(username)) {
      return { returnCode: 4, reason: "username must match ^[a-z0-9][a-z0-9-]{0,63}$" };
    }
    let found: Principal | AuthRefusal | null;
    try {
      found = await ctx.authenticator.authenticate(client.id, username, password);
    } catch (error) {
      ctx.logger.error({ clientId: loggableId(client), err: error }, "authenticator failed");
      return { returnCode: 3, reason: "authenticator unavailable" };
    }
    if (found === null) return { returnCode: 4, reason: "bad username or password" };
    if ("refused" in found) return { returnCode: 5, reason: found.reason };
    if (found.kind === "device" && found.deviceId !== client.id) {
      return { returnCode: 5, reason: "a device must connect with its device id as client id" };
    }
    principal = found;
  }

  // A Will is published later, possibly by another node: check it now, while we know who set it.
  if (facts?.willTopic !== undefined && !mayPublish(principal, facts.willTopic)) {
    return { returnCode: 5, reason: "not allowed to publish the Will topic" };
  }
  return { principal };
}
