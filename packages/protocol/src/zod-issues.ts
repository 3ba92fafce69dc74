// zod issues → ProtocolError with a dotted path (`samples.0.latencyMs.p95`).
import type { z } from "zod";
import { ProtocolError, type TProtocolIssue } from "./errors.ts";
import { MAX_REPORTED_ISSUES } from "./limits.ts";

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key) => String(key)).join(".");
}

export function invalidPayloadError(channel: string, issues: readonly z.core.$ZodIssue[]): ProtocolError {
  const list: TProtocolIssue[] = issues
    .slice(0, MAX_REPORTED_ISSUES)
    .map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  const first = list[0] ?? { path: "", message: "invalid payload" };
  const where = first.path === "" ? "" : ` at ${first.path}`;
  return new ProtocolError("invalid", `invalid ${channel} payload${where}: ${first.message}`, {
    path: first.path,
    issues: list,
  });
}
