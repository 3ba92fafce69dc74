import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { healthRouter } from "./routers/health.ts";
import { sessionRouter } from "./routers/session.ts";
import { createCallerFactory, createTRPCRouter } from "./trpc.ts";

/** Every domain router, merged; the type is what the browser client is built from. */
export const appRouter = createTRPCRouter({
  health: healthRouter,
  session: sessionRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Server-side caller: `createCaller(await createContextInner({ db }))`. */
export const createCaller = createCallerFactory(appRouter);
