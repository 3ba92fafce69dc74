"use client";

import { useQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useMemo, useState } from "react";
import type { RouterOutputs } from "../../../../server/root.ts";
import { useTRPC } from "../../../../trpc/react.tsx";
import { TimeSeriesChart, type TSeriesSpec } from "./time-series-chart.tsx";

type TPoint = RouterOutputs["telemetry"]["series"]["points"][number];
const RANGES = ["15m", "1h", "6h", "24h", "7d"] as const;
type TRange = (typeof RANGES)[number];

const CHARTS: Array<{ title: string; unit: string; series: TSeriesSpec<TPoint>[] }> = [
  {
    title: "Latency",
    unit: "ms",
    series: [
      { label: "p50", color: "#2f6feb", value: (p) => p.latencyP50 },
      { label: "p95", color: "#d1242f", value: (p) => p.latencyP95 },
    ],
  },
  {
    title: "Inferences",
    unit: "per bucket",
    series: [{ label: "inferences", color: "#1a7f37", value: (p) => p.inferences }],
  },
  { title: "CPU", unit: "%", series: [{ label: "cpu", color: "#8250df", value: (p) => p.cpuPct }] },
  { title: "Memory (RSS)", unit: "MB", series: [{ label: "rss", color: "#bc4c00", value: (p) => p.rssMb }] },
  { title: "Battery", unit: "%", series: [{ label: "battery", color: "#9a6700", value: (p) => p.batteryPct }] },
];

/** A chart with nothing to draw (no battery on a mains-powered gateway) is left out, not drawn empty. */
function hasValues(chart: (typeof CHARTS)[number], points: readonly TPoint[]): boolean {
  return points.some((p) => chart.series.some((s) => s.value(p) !== null));
}

/** Charts over the chosen range; new samples stream in over SSE and are appended without reloads. */
export function TelemetryCharts({ deviceId }: { deviceId: string }) {
  const trpc = useTRPC();
  const [range, setRange] = useState<TRange>("1h");
  const series = useQuery(trpc.telemetry.series.queryOptions({ deviceId, range }));
  const [live, setLive] = useState<TPoint[]>([]);
  const since = series.data ? series.data.to.getTime() : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: live points start over whenever a new base series arrives
  useEffect(() => setLive([]), [since]);
  const subscription = useSubscription(
    trpc.telemetry.live.subscriptionOptions(
      { deviceId, sinceMs: since ?? 0 },
      {
        enabled: since !== null,
        onData: (update) => {
          if (update.samples.length) setLive((points) => [...points, ...update.samples].slice(-2_000));
        },
      },
    ),
  );
  const points = useMemo(() => {
    const windowStart = Date.now() - (series.data ? series.data.to.getTime() - series.data.from.getTime() : 0);
    return [...(series.data?.points ?? []), ...live].filter((p) => p.t >= windowStart);
  }, [series.data, live]);
  return (
    <section className="card" data-testid="telemetry">
      <div className="card-header">
        <h2>Telemetry</h2>
        <div className="actions">
          <span className="muted" data-testid="live-state" style={{ fontSize: 13 }}>
            {subscription.status === "pending"
              ? "● live"
              : subscription.status === "error"
                ? "reconnecting…"
                : subscription.status}
          </span>
          {RANGES.map((r) => (
            <button
              key={r}
              type="button"
              className={`button ${r === range ? "primary" : "subtle"}`}
              onClick={() => setRange(r)}
            >
              {r}
            </button>
          ))}
        </div>
      </div>
      {series.error ? <p className="problem">{series.error.message}</p> : null}
      {points.length === 0 ? (
        <p className="muted" data-testid="no-telemetry">
          No telemetry in this range yet.
        </p>
      ) : (
        <div className="chart-grid" data-testid="charts" data-points={points.length}>
          {CHARTS.filter((chart) => hasValues(chart, points)).map((chart) => (
            <TimeSeriesChart
              key={chart.title}
              title={chart.title}
              unit={chart.unit}
              points={points}
              series={chart.series}
            />
          ))}
        </div>
      )}
    </section>
  );
}
