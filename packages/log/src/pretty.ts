// Readable log lines for a person at a terminal: `12:00:01.234 WARN  msg key=value`, coloured by level.
// Used only when the logger writes to a TTY; everywhere else entries stay JSON lines. Written here
// rather than taken from pino-pretty, which would add a dozen packages to the agent's bundle; this
// formats each line synchronously in the writing process (no transport, no worker thread).

const COLOURS: Readonly<Record<string, number>> = { debug: 90, info: 36, warn: 33, error: 31 };
const HIDDEN = new Set(["level", "time", "msg", "name", "banner"]);

export interface TLineSink {
  write(text: string): unknown;
}

/** One JSON log line (as pino writes it) → the text a person reads; other lines are passed through. */
export function formatPretty(line: string, colour = true): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith("\n") ? line : `${line}\n`;
  }
  const level = String(entry.level ?? "info");
  const paint = (text: string) => (colour ? `\x1b[${COLOURS[level] ?? 37}m${text}\x1b[0m` : text);
  const time = typeof entry.time === "string" ? entry.time.slice(11, 23) : "";
  if (Array.isArray(entry.banner)) return `${paint(box(entry.banner.map(String)))}\n`;
  const fields = Object.entries(entry)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  return `${time} ${paint(level.toUpperCase().padEnd(5))} ${String(entry.msg ?? "")}${fields.length > 0 ? `  ${fields.join(" ")}` : ""}\n`;
}

/** A block that stands out: the broker's anonymous-mode warning. */
export function box(lines: readonly string[]): string {
  const width = Math.max(...lines.map((line) => line.length)) + 4;
  const rule = "!".repeat(width);
  return [rule, ...lines.map((line) => `! ${line.padEnd(width - 4)} !`), rule].join("\n");
}

/** A pino destination that pretty-prints each entry onto `sink` (e.g. process.stderr). */
export function prettyDestination(sink: TLineSink, colour = true): TLineSink {
  return { write: (line: string) => sink.write(formatPretty(line, colour)) };
}
