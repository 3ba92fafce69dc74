"use client";

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777"];

export interface TLayerSeries {
  label: string;
  /** SQNR in dB per layer; null = exact (infinite) or not measured. */
  values: Array<number | null>;
}

/** SQNR per layer (x: layer in model order, y: dB), one line per variant; uPlot, like the telemetry charts. */
export function LayerSqnrChart(props: { title: string; layers: string[]; series: TLayerSeries[]; testId: string }) {
  const container = useRef<HTMLDivElement>(null);
  const key = JSON.stringify([props.layers, props.series]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt when the data (keyed by its JSON) changes; the data is small
  useEffect(() => {
    const el = container.current;
    if (!el || props.layers.length === 0) return;
    const names = props.layers;
    const chart = new uPlot(
      {
        width: el.clientWidth || 640,
        height: 260,
        legend: { show: true },
        scales: { x: { time: false } },
        axes: [
          {
            values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? (names[i] ?? "") : "")),
            incrs: [1],
            size: 60,
            rotate: -20,
          } as uPlot.Axis,
          { label: "SQNR (dB)", size: 60 },
        ],
        series: [
          { label: "layer", value: (_u, i) => (i === null ? "" : (names[i] ?? "")) },
          ...props.series.map((s, i) => ({
            label: s.label,
            stroke: COLORS[i % COLORS.length] ?? "#2563eb",
            width: 1.5,
            points: { show: true, size: 6 },
          })),
        ],
      },
      [names.map((_, i) => i), ...props.series.map((s) => s.values)],
      el,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: el.clientWidth, height: 260 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [key]);
  return (
    <div
      className="chart"
      data-testid={props.testId}
      data-layers={props.layers.length}
      data-series={props.series.length}
    >
      <h3 style={{ margin: "0 0 4px", fontSize: 14 }}>{props.title}</h3>
      <div ref={container} />
    </div>
  );
}
