/** "2 d 3 h", "3 h 12 min", "4 min 5 s": the two largest units, enough for an uptime. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const units: Array<[string, number]> = [
    ["d", Math.floor(seconds / 86_400)],
    ["h", Math.floor((seconds % 86_400) / 3_600)],
    ["min", Math.floor((seconds % 3_600) / 60)],
    ["s", seconds % 60],
  ];
  const first = units.findIndex(([, value]) => value > 0);
  if (first === -1) return "0 s";
  return units
    .slice(first, first + 2)
    .filter(([, value]) => value > 0)
    .map(([unit, value]) => `${value} ${unit}`)
    .join(" ");
}

/** A wall-clock time that renders the same on the server and in the browser (no locale, UTC). */
export function formatUtcTime(date: Date): string {
  return `${date.toISOString().slice(11, 19)} UTC`;
}

/** "2026-01-31 14:05:09 UTC": same on server and browser. */
export function formatDateTime(date: Date | string | null | undefined): string {
  if (!date) return "—";
  const iso = (typeof date === "string" ? new Date(date) : date).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** "3 min ago", "2 h ago", for last-seen columns. */
export function formatAgo(date: Date | null | undefined, now: number = Date.now()): string {
  if (!date) return "never";
  const seconds = Math.max(0, Math.round((now - date.getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  return `${formatDuration(seconds).split(" ").slice(0, 2).join(" ")} ago`;
}
