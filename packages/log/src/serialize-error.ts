// Errors in log entries are their message and code, never a stack: agent logs are shipped off the
// device and broker/console logs to whoever reads them. (A crash handler that wants the stack logs it
// as its own field.)
import { redactUrlUserInfo } from "./redact.ts";

export interface TSerializedError {
  message: string;
  code?: string | number;
}

export function serializeError(error: Error): TSerializedError {
  const code = (error as { code?: unknown }).code;
  const message = redactUrlUserInfo(error.message);
  return typeof code === "string" || typeof code === "number" ? { message, code } : { message };
}

/**
 * Log fields made safe to write: errors at any depth become { message, code }, strings lose URL
 * passwords. Copies only what changes; the caller's objects are never mutated.
 */
export function sanitizeFields(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactUrlUserInfo(value);
  if (value instanceof Error) return serializeError(value);
  if (depth >= 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const clean = value.map((item) => sanitizeFields(item, depth + 1));
    return clean.some((item, index) => item !== value[index]) ? clean : value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // Buffers, Dates, class instances: as pino writes them
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const clean = sanitizeFields(item, depth + 1);
    if (clean === item) continue;
    copy ??= { ...value };
    copy[key] = clean;
  }
  return copy ?? value;
}
