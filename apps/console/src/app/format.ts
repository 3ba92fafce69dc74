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
