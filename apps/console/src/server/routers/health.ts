import { getStackStatus } from "../domain/health/get-stack-status.ts";
import { ZStackStatus } from "../domain/health/stack-status.types.ts";
import { createTRPCRouter, publicProcedure } from "../trpc.ts";

export const healthRouter = createTRPCRouter({
  /** What is running: console version and uptime, database and broker reachability. */
  status: publicProcedure.output(ZStackStatus).query(({ ctx }) =>
    getStackStatus({
      database: {
        prisma: ctx.db?.prisma ?? null,
        embedded: ctx.db?.embedded ?? ctx.config.databaseUrl === null,
        openError: ctx.dbError,
      },
      mqttUrl: ctx.config.mqttUrl,
      publicUrl: ctx.config.publicUrl,
    }),
  ),
});
