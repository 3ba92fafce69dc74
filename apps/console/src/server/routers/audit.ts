import { listAuditEvents, ZListAuditEventsInput } from "../domain/audit/list-audit-events.ts";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";

export const auditRouter = createTRPCRouter({
  /** Everyone signed in may read the audit log; nobody may change it. */
  list: protectedProcedure
    .input(ZListAuditEventsInput)
    .query(({ ctx, input }) => listAuditEvents({ prisma: ctx.db.prisma, input })),
});
