// Server-side log entries of the console, through the process's root logger (@fleet/log, set up by
// main.ts and shared with the Next bundle). Details (driver errors, hosts) go here, never to browsers.
import { type Logger, rootLogger } from "@fleet/log";

/** The console's logger for one part of the server (`component` on every entry). */
export function serverLogger(component: string): Logger {
  return rootLogger().child({ component });
}

const lastProblem = new Map<string, string>();

/**
 * Logs a component's problem once per change, so a health probe polled every few seconds
 * against a dead database does not flood the log; `null` marks recovery.
 */
export function reportProblem(component: string, problem: string | null): void {
  const previous = lastProblem.get(component);
  if (problem === null) {
    if (previous !== undefined) {
      lastProblem.delete(component);
      rootLogger().info({ component }, `${component} recovered`);
    }
    return;
  }
  if (previous === problem) return;
  lastProblem.set(component, problem);
  rootLogger().warn({ component, problem }, `${component}: ${problem}`);
}

/** The first meaningful line of whatever was thrown (Prisma messages start with blank lines), no stack. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split("\n").map((line) => line.trim());
  const line = lines.find((candidate) => candidate !== "" && !candidate.startsWith("Invalid `")) ?? lines.find(Boolean);
  const code = (error as { code?: unknown } | null)?.code;
  const label = line ?? (error instanceof Error ? error.name : "unknown error");
  return typeof code === "string" && !label.includes(code) ? `${code}: ${label}` : label;
}
