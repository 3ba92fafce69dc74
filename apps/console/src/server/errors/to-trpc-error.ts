import { TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { AppErrorCode, type AppError, type TAppErrorCode } from "./app-error.ts";

// The one place where domain error codes become transport codes.
const TRPC_CODE_BY_APP_CODE = {
  [AppErrorCode.INVALID_INPUT]: "BAD_REQUEST",
  [AppErrorCode.UNAUTHORIZED]: "UNAUTHORIZED",
  [AppErrorCode.FORBIDDEN]: "FORBIDDEN",
  [AppErrorCode.NOT_FOUND]: "NOT_FOUND",
  [AppErrorCode.CONFLICT]: "CONFLICT",
  [AppErrorCode.DATABASE_UNAVAILABLE]: "SERVICE_UNAVAILABLE",
  [AppErrorCode.INTERNAL]: "INTERNAL_SERVER_ERROR",
} as const satisfies Record<TAppErrorCode, TRPC_ERROR_CODE_KEY>;

export function toTRPCError(error: AppError): TRPCError {
  return new TRPCError({ code: TRPC_CODE_BY_APP_CODE[error.code], message: error.message, cause: error });
}
