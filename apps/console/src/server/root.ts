import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { auditRouter } from "./routers/audit.ts";
import { authRouter } from "./routers/auth.ts";
import { devicesRouter } from "./routers/devices.ts";
import { healthRouter } from "./routers/health.ts";
import { keysRouter } from "./routers/keys.ts";
import { modelsRouter } from "./routers/models.ts";
import { profilesRouter } from "./routers/profiles.ts";
import { rolloutsRouter } from "./routers/rollouts.ts";
import { sessionRouter } from "./routers/session.ts";
import { telemetryRouter } from "./routers/telemetry.ts";
import { usersRouter } from "./routers/users.ts";
import { createCallerFactory, createTRPCRouter } from "./trpc.ts";

/** Every domain router, merged; the type is what the browser client is built from. */
export const appRouter = createTRPCRouter({
  health: healthRouter,
  session: sessionRouter,
  auth: authRouter,
  users: usersRouter,
  audit: auditRouter,
  devices: devicesRouter,
  profiles: profilesRouter,
  telemetry: telemetryRouter,
  keys: keysRouter,
  models: modelsRouter,
  rollouts: rolloutsRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Server-side caller: `createCaller(await createContextInner({ db }))`. */
export const createCaller = createCallerFactory(appRouter);
