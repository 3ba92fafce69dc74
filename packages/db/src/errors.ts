/** Why the data layer refused to work; `message` is one line an operator can act on. */
export type TDbErrorCode =
  | "BAD_DATABASE_URL"
  | "UNREACHABLE"
  | "DATA_DIR_NOT_WRITABLE"
  | "EMBEDDED_LOCKED"
  | "MIGRATION_FAILED"
  | "MIGRATION_MODIFIED"
  | "MIGRATION_FOLDER";

export class DbError extends Error {
  override readonly name = "DbError";
  readonly code: TDbErrorCode;

  constructor(code: TDbErrorCode, message: string, options?: { cause?: unknown }) {
    super(message.replace(/\s*\n\s*/g, " "), options);
    this.code = code;
  }
}

export function isDbError(error: unknown): error is DbError {
  return error instanceof DbError;
}

/** First line of whatever was thrown, without a stack, for one-line reports. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.name;
  return String(error).split("\n")[0] ?? "unknown error";
}
