import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getConsoleConfig } from "../../../../config.ts";
import { csrfProblem, isSecureRequest } from "../../../../server/http/csrf.ts";
import { appRouter } from "../../../../server/root.ts";
import { serverLogger } from "../../../../server/log.ts";
import { createTRPCContext } from "../../../../server/trpc.ts";

function handler(req: Request): Promise<Response> {
  const config = getConsoleConfig();
  const problem = csrfProblem(req, { publicUrl: config.publicUrl });
  if (problem) {
    return Promise.resolve(
      Response.json(
        { error: { message: problem, code: "FORBIDDEN" } },
        { status: 403, headers: { "cache-control": "no-store" } },
      ),
    );
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ resHeaders }) =>
      createTRPCContext({ headers: req.headers, resHeaders, secureRequest: isSecureRequest(req, config.publicUrl) }),
    onError({ path, error }) {
      // The browser got a short message; the operator's log gets the cause (with its stack: a bug to find).
      if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "SERVICE_UNAVAILABLE") {
        const cause = error.cause ?? error;
        serverLogger("trpc").error({ path: path ?? null, err: cause, stack: cause.stack }, "tRPC procedure failed");
      }
    },
  });
}

export { handler as GET, handler as POST };
