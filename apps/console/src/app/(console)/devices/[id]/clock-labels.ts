// Tick labels for the time axis of the device charts.

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * Clock-time tick labels (HH:MM, with :SS when ticks are less than a minute apart). uPlot's default
 * labels a sub-minute range by its second and millisecond alone (":07.000"), which reads as noise.
 */
export function clockLabels(splits: number[], spacingSeconds: number): string[] {
  return splits.map((seconds) => {
    const d = new Date(seconds * 1000);
    const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    return spacingSeconds < 60 ? `${hm}:${pad(d.getSeconds())}` : hm;
  });
}
