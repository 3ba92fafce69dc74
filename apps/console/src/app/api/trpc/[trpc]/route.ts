import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "../../../../server/root.ts";
import { createTRPCContext } from "../../../../server/trpc.ts";

function handler(req: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createTRPCContext({ headers: req.headers }),
    onError({ path, error }) {
      // The browser got a short message; the operator's log gets the cause.
      if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "SERVICE_UNAVAILABLE") {
        const cause = error.cause ?? error;
        console.error(`fleet-console: tRPC ${path ?? "<no path>"} failed:`, cause);
      }
    },
  });
}

export { handler as GET, handler as POST };
