import type { TReport } from "../pipeline/report-schema.ts";

const fmt = (n: number | undefined, digits = 2) => (n === undefined ? "-" : n.toFixed(digits));

/** one line per variant, for people; report.json holds everything */
export function formatSummary(report: TReport): string {
  const header =
    "variant     engine  weight B  ×fp32   files B  ×fp32  accuracy  delta   agree   load ms  p50 ms  p95 ms";
  const rows = report.variants.map((v) =>
    [
      v.variant.padEnd(11),
      (v.engine ?? "tfjs").padEnd(6),
      String(v.bytes.weights).padStart(9),
      fmt(v.ratio.weights, 3).padStart(6),
      String(v.bytes.total).padStart(9),
      fmt(v.ratio.total, 3).padStart(6),
      fmt(v.accuracy).padStart(9),
      fmt(v.accuracyDelta).padStart(6),
      fmt(v.agreement).padStart(7),
      fmt(v.runtime?.loadMs, 1).padStart(9),
      fmt(v.runtime?.latency.medianMs, 3).padStart(7),
      fmt(v.runtime?.latency.p95Ms, 3).padStart(7),
    ].join(" "),
  );
  const int8 = report.variants
    .find((v) => v.fullInt8)
    ?.fullInt8?.map((f) => `${f.method} ${fmt(f.accuracy)}%`)
    .join(", ");
  const onnxInt8 = report.variants.find((v) => v.calibration)?.calibration;
  const picked = onnxInt8
    ? [
        `onnx-int8 calibration: ${onnxInt8.method} (of ${onnxInt8.candidates.map((c) => `${c.method} ${fmt(c.accuracy ?? c.agreement)}%`).join(", ")})`,
      ]
    : [];
  return [
    `backend ${report.backend} (tfjs variants); onnx variants run on ONNX Runtime, 1 thread`,
    header,
    ...rows,
    ...(int8 ? [`simulated full int8 (weights + activations): ${int8}`] : []),
    ...picked,
    ...report.warnings.map((w) => `warning: ${w}`),
  ].join("\n");
}
