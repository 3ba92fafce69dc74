// tRPC wiring (create-t3-app style). This file exports only the builders routers may use:
// createTRPCRouter, publicProcedure, protectedProcedure, operatorProcedure, adminProcedure; plus the
// context factories and createCallerFactory for server-side callers and tests.
import { initTRPC } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { getConsoleConfig, type TConsoleConfig } from "../config.ts";
import { roleAtLeast, ROLE_LABEL } from "./auth/roles.ts";
import { readSessionToken } from "./auth/session-cookie.ts";
import { getConsoleDb, type TConsoleDb } from "./db.ts";
import { findActiveSession } from "./domain/session/find-active-session.ts";
import { AppError, AppErrorCode, isAppError } from "./errors/app-error.ts";
import { toTRPCError } from "./errors/to-trpc-error.ts";
import { describeError } from "./log.ts";

export interface TCreateContextInnerOptions {
  /** The open database, or null when it could not be opened (dbError says why). */
  db: TConsoleDb | null;
  dbError?: string | null;
  /** Raw token from the session cookie; looked up only by protected procedures. */
  sessionToken?: string | null;
  config?: TConsoleConfig;
  /** Response headers of the HTTP request (login/logout append Set-Cookie); null for callers. */
  resHeaders?: Headers | null;
  /** The browser reached us over https (cookies get `Secure`). */
  secureRequest?: boolean;
}

/** The context without HTTP: what tests and server-side callers build directly. */
export async function createContextInner(options: TCreateContextInnerOptions) {
  return {
    db: options.db,
    dbError: options.dbError ?? null,
    sessionToken: options.sessionToken ?? null,
    config: options.config ?? getConsoleConfig(),
    resHeaders: options.resHeaders ?? null,
    secureRequest: options.secureRequest ?? false,
  };
}
export type TContext = Awaited<ReturnType<typeof createContextInner>>;

/** The context of an HTTP request (fetch adapter) or a React Server Component. */
export async function createTRPCContext(options: {
  headers: Headers;
  resHeaders?: Headers;
  secureRequest?: boolean;
}): Promise<TContext> {
  const config = getConsoleConfig();
  let db: TConsoleDb | null = null;
  let dbError: string | null = null;
  try {
    db = await getConsoleDb(config);
  } catch (error) {
    // Keep serving: health must be able to say the database is down.
    dbError = describeError(error);
  }
  return createContextInner({
    db,
    dbError,
    sessionToken: readSessionToken(options.headers.get("cookie")),
    config,
    resHeaders: options.resHeaders ?? null,
    secureRequest: options.secureRequest ?? false,
  });
}

const t = initTRPC.context<TContext>().create({
  transformer: superjson,
  // Never put stack traces in responses, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    // Unexpected failures keep their details in the server log, not in the browser.
    const unexpected = error.code === "INTERNAL_SERVER_ERROR" && !isAppError(error.cause);
    const invalidInput = error.code === "BAD_REQUEST" && error.cause instanceof ZodError;
    return {
      ...shape,
      message: unexpected ? "Internal server error" : shape.message,
      data: {
        ...shape.data,
        zodError: invalidInput ? z.flattenError(error.cause) : null,
      },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;

// Domain code throws AppError; this is the one place it becomes a TRPCError with the right code.
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isAppError(result.error.cause)) throw toTRPCError(result.error.cause);
  return result;
});

const requireSession = t.middleware(async ({ ctx, next }) => {
  if (!ctx.sessionToken) throw new AppError(AppErrorCode.UNAUTHORIZED, "Sign in to continue.");
  if (!ctx.db) throw new AppError(AppErrorCode.DATABASE_UNAVAILABLE, "The database is unavailable; try again shortly.");
  let session;
  try {
    session = await findActiveSession({ prisma: ctx.db.prisma, token: ctx.sessionToken });
  } catch (error) {
    throw new AppError(AppErrorCode.DATABASE_UNAVAILABLE, "The database is unavailable; try again shortly.", {
      cause: error,
    });
  }
  if (!session) throw new AppError(AppErrorCode.UNAUTHORIZED, "Your session has ended; sign in again.");
  // Narrowed for every protected resolver: db is open and session.user is the operator.
  return next({ ctx: { ...ctx, db: ctx.db, session } });
});

/** No sign-in needed; ctx.db may be null when the database is down. */
export const publicProcedure = t.procedure.use(mapAppErrors);

/** Requires a valid session cookie; ctx.session.user and ctx.db are guaranteed. */
export const protectedProcedure = t.procedure.use(mapAppErrors).use(requireSession);

/** Devices, profiles, models, rollouts: operators and admins. Viewers read only. */
export const operatorProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!roleAtLeast(ctx.session.user.role, "OPERATOR")) {
    throw new AppError(
      AppErrorCode.FORBIDDEN,
      `A ${ROLE_LABEL[ctx.session.user.role]} may not change anything; ask an operator.`,
    );
  }
  return next();
});

/** Users and keys: admins only. */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!roleAtLeast(ctx.session.user.role, "ADMIN")) {
    throw new AppError(AppErrorCode.FORBIDDEN, "Only an admin may do this.");
  }
  return next();
});
