"use client";

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { clockLabels } from "./clock-labels.ts";

export interface TSeriesSpec<P> {
  label: string;
  color: string;
  value: (point: P) => number | null;
}

/** One uPlot chart; re-draws data in place when points change (no re-creation per sample). */
export function TimeSeriesChart<P extends { t: number }>(props: {
  title: string;
  unit: string;
  points: P[];
  series: TSeriesSpec<P>[];
}) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = (): uPlot.AlignedData => [
    props.points.map((p) => p.t / 1000),
    ...props.series.map((s) => props.points.map((p) => s.value(p))),
  ];
  // biome-ignore lint/correctness/useExhaustiveDependencies: the chart is built once per series layout; data updates go through setData below
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const chart = new uPlot(
      {
        width: el.clientWidth || 520,
        height: 200,
        legend: { show: true },
        scales: { x: { time: true } },
        axes: [
          { values: (_u, splits, _axis, _space, increment) => clockLabels(splits, increment) },
          { label: props.unit, size: 60 },
        ],
        series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: false }))],
      },
      data(),
      el,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: el.clientWidth, height: 200 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [props.unit, props.series.length]);
  useEffect(() => {
    plot.current?.setData(data());
  });
  return (
    <div className="chart" data-chart={props.title}>
      <h3 style={{ margin: "0 0 4px", fontSize: 14 }}>{props.title}</h3>
      <div ref={container} />
    </div>
  );
}
