import { z } from "zod";
import { clearedSessionCookieHeader, sessionCookieHeader } from "../auth/session-cookie.ts";
import { countUsers, createFirstAdmin } from "../domain/operators/create-first-admin.ts";
import { logIn, logOut } from "../domain/operators/log-in.ts";
import { ZFirstAdminInput, ZLoginInput } from "../domain/operators/operator.types.ts";
import { AppError, AppErrorCode } from "../errors/app-error.ts";
import { createTRPCRouter, protectedProcedure, publicProcedure, type TContext } from "../trpc.ts";

function requireDb(ctx: TContext) {
  if (!ctx.db) throw new AppError(AppErrorCode.DATABASE_UNAVAILABLE, "The database is unavailable; try again shortly.");
  return ctx.db;
}

export const authRouter = createTRPCRouter({
  /** Whether the console still needs its first admin (the setup page). */
  setupStatus: publicProcedure
    .output(z.object({ needsFirstAdmin: z.boolean() }))
    .query(async ({ ctx }) => ({ needsFirstAdmin: (await countUsers(requireDb(ctx).prisma)) === 0 })),

  /** Creates the first admin (only while there is no user) and signs them in. */
  createFirstAdmin: publicProcedure.input(ZFirstAdminInput).mutation(async ({ ctx, input }) => {
    const db = requireDb(ctx);
    await createFirstAdmin({ prisma: db.prisma, input, via: "setup page" });
    const session = await logIn({ prisma: db.prisma, input: { email: input.email, password: input.password } });
    ctx.resHeaders?.append("set-cookie", sessionCookieHeader(session.token, { secure: ctx.secureRequest }));
    return { user: session.user };
  }),

  login: publicProcedure.input(ZLoginInput).mutation(async ({ ctx, input }) => {
    const session = await logIn({ prisma: requireDb(ctx).prisma, input });
    ctx.resHeaders?.append("set-cookie", sessionCookieHeader(session.token, { secure: ctx.secureRequest }));
    return { user: session.user };
  }),

  logout: protectedProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await logOut({ prisma: ctx.db.prisma, token: ctx.sessionToken, actor: ctx.session.user });
    ctx.resHeaders?.append("set-cookie", clearedSessionCookieHeader({ secure: ctx.secureRequest }));
    return { ok: true as const };
  }),
});
