/** Failures the domain reports on purpose; each code maps to one HTTP/tRPC status (to-trpc-error.ts). */
export const AppErrorCode = {
  INVALID_INPUT: "INVALID_INPUT",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  DATABASE_UNAVAILABLE: "DATABASE_UNAVAILABLE",
  INTERNAL: "INTERNAL",
} as const;
export type TAppErrorCode = (typeof AppErrorCode)[keyof typeof AppErrorCode];

/** A typed domain error whose message is safe to show to the operator. */
export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: TAppErrorCode;

  constructor(code: TAppErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Prisma's unique-constraint violation (P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2002";
}
