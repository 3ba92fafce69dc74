// The machine-readable line a long-running bin prints on stdout once it serves:
//   {"ready":"fleet-broker","pid":123,"urls":{"mqtt":"mqtt://127.0.0.1:1883",...}}
// exactly once, next to its human-readable lines. Launchers and tests wait for this line instead of
// matching prose. (scripts/start-stack.mjs runs before install and parses the same shape by hand.)
import { z } from "zod";
import { redactUrlUserInfo } from "./redact.ts";

export const ZReadyLine = z.object({
  /** The bin: fleet-db, fleet-broker, fleet-console, fleet-agent. */
  ready: z.string().regex(/^fleet-[a-z-]+$/),
  pid: z.number().int().positive(),
  /** Where it can be reached, by role (mqtt, ws, metrics, http, database, broker...). */
  urls: z.record(z.string(), z.string()),
});
export type TReadyLine = z.infer<typeof ZReadyLine>;

/** URLs by role; an interface such as the broker's BrokerUrls fits too. */
export type TReadyUrls<T> = { readonly [K in keyof T]: string | null };

/** The line (without newline); null URLs (a listener switched off) are left out, passwords masked. */
export function formatReadyLine<T extends TReadyUrls<T>>(ready: string, urls: T): string {
  const present = Object.entries<string | null>(urls).filter((entry): entry is [string, string] => entry[1] !== null);
  const line = ZReadyLine.parse({
    ready,
    pid: process.pid,
    urls: Object.fromEntries(present.map(([role, url]) => [role, redactUrlUserInfo(url)])),
  });
  return JSON.stringify(line);
}

/** Prints the ready line on `out` (stdout by default). */
export function printReadyLine<T extends TReadyUrls<T>>(
  ready: string,
  urls: T,
  out: { write(text: string): unknown } = process.stdout,
): void {
  out.write(`${formatReadyLine(ready, urls)}\n`);
}

/** The ready line in one line of output, or null when the line is anything else. */
export function parseReadyLine(line: string): TReadyLine | null {
  const text = line.trim();
  if (!text.startsWith('{"ready"')) return null;
  try {
    const parsed = ZReadyLine.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The first ready line of `name` in a chunk of output (several lines), or null. */
export function findReadyLine(output: string, name?: string): TReadyLine | null {
  for (const line of output.split("\n")) {
    const ready = parseReadyLine(line);
    if (ready !== null && (name === undefined || ready.ready === name)) return ready;
  }
  return null;
}
