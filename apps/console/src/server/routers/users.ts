import { sessionActor } from "../domain/audit/record-audit.ts";
import { createUser, listUsers, updateUser, ZUpdateUserInput } from "../domain/operators/manage-users.ts";
import { ZCreateUserInput } from "../domain/operators/operator.types.ts";
import { adminProcedure, createTRPCRouter } from "../trpc.ts";

export const usersRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db.prisma)),
  create: adminProcedure
    .input(ZCreateUserInput)
    .mutation(({ ctx, input }) => createUser({ prisma: ctx.db.prisma, actor: sessionActor(ctx.session.user), input })),
  update: adminProcedure
    .input(ZUpdateUserInput)
    .mutation(({ ctx, input }) => updateUser({ prisma: ctx.db.prisma, actor: sessionActor(ctx.session.user), input })),
});
