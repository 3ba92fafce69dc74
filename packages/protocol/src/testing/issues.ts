// Test helper: the dotted paths of a schema's issues for a value ([] when valid).
import type { z } from "zod";
import { formatPath } from "../zod-issues.ts";

export function issuePaths(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => formatPath(issue.path));
}

/** Deep clone then let the caller break one thing. */
export function mutate<T>(value: T, change: (copy: T) => void): T {
  const copy = structuredClone(value);
  change(copy);
  return copy;
}
