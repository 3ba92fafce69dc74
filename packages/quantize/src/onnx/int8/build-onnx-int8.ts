// The full-integer onnx-int8 variant in one call: find the quantization points of the fp32 graph,
// calibrate them on real fp32 activations (onnxruntime-node), build one int8 graph per calibration
// method, keep the one with the best validation top-1 (agreement with fp32 without labels; ties →
// mse), and report per layer against fp32.
import type { TActivationRange, TLayerPrecision } from "@fleet/runtime";
import { CALIBRATION_METHODS, calibrateRange, type CalibrationMethod } from "../../calibration/calibrate.ts";
import type { Dataset } from "../../inputs/dataset.ts";
import { matchPercent, top1 } from "../../evaluate/score.ts";
import type { TLayerReport } from "../../pipeline/report-schema.ts";
import { layerPrecisions, layerReport } from "./int8-report.ts";
import { rewriteInt8, type Int8Rewrite, type Range } from "./int8-rewrite.ts";
import { runAll, withOutputs } from "../run/ort-run.ts";
import { DataType, type OnnxModelProto } from "../graph/onnx-proto.ts";

export interface OnnxInt8Candidate {
  method: CalibrationMethod;
  /** top-1 on the validation labels, percent */
  accuracy?: number;
  /** top-1 agreement with the fp32 graph, percent */
  agreement: number;
}

export interface OnnxInt8Build {
  model: OnnxModelProto;
  method: CalibrationMethod;
  candidates: OnnxInt8Candidate[];
  /** the fp32 graph on the same scoring data */
  fp32: { accuracy?: number };
  /** the uint8 quantization points of the chosen graph; `layer` is the fp32 ONNX tensor name */
  ranges: TActivationRange[];
  layers: TLayerPrecision[];
  report: TLayerReport[];
  /** samples used: calibration, scoring (validation, else calibration), per-layer analysis */
  samples: { calibration: number; scoring: number; analysis: number };
}

export interface OnnxInt8Options {
  methods?: CalibrationMethod[];
  /** intra-op threads of the ONNX Runtime sessions used to calibrate and score */
  threads?: number;
  /** samples for the per-layer activation analysis (default 64) */
  analysisSamples?: number;
}

/** the fp32 tensors the rewrite quantizes (they do not depend on the ranges) */
export function quantizationPoints(fp32: OnnxModelProto): string[] {
  const points = new Set<string>();
  rewriteInt8(fp32, (tensor) => {
    points.add(tensor);
    return { min: -1, max: 1 };
  });
  return [...points];
}

function slice(data: Dataset, count: number): Dataset {
  const n = Math.min(count, data.count);
  const per = data.sampleShape.reduce((a, b) => a * b, 1);
  return { ...data, x: data.x.subarray(0, n * per), count: n, ...(data.y ? { y: data.y.subarray(0, n) } : {}) };
}

export async function buildOnnxInt8(
  fp32: OnnxModelProto,
  data: { calib: Dataset; val?: Dataset },
  options: OnnxInt8Options = {},
): Promise<OnnxInt8Build> {
  const methods = options.methods?.length ? options.methods : CALIBRATION_METHODS;
  const ort = { threads: options.threads ?? 1 };
  const points = quantizationPoints(fp32);
  const values = await runAll(
    withOutputs(
      fp32,
      points.map((name) => ({ name, elemType: DataType.FLOAT })),
    ),
    data.calib,
    points,
    ort,
  );

  const scoring = data.val ?? data.calib;
  const fp32Out = (await runAll(fp32, scoring, ["output"], ort)).get("output")!;
  const classes = fp32Out.length / scoring.count;
  const reference = top1(fp32Out, classes);
  const fp32Accuracy = scoring.y ? matchPercent(reference, scoring.y) : undefined;

  const built: { candidate: OnnxInt8Candidate; rewrite: Int8Rewrite }[] = [];
  for (const method of methods) {
    const ranges = new Map<string, Range>(points.map((p) => [p, calibrateRange(values.get(p)!, method)]));
    const rewrite = rewriteInt8(fp32, (tensor) => ranges.get(tensor)!);
    const predictions = top1((await runAll(rewrite.model, scoring, ["output"], ort)).get("output")!, classes);
    const candidate: OnnxInt8Candidate = { method, agreement: matchPercent(predictions, reference) };
    if (scoring.y) candidate.accuracy = matchPercent(predictions, scoring.y);
    built.push({ candidate, rewrite });
  }
  const score = (c: OnnxInt8Candidate) => c.accuracy ?? c.agreement;
  const best = built.reduce((a, b) => {
    if (score(b.candidate) !== score(a.candidate)) return score(b.candidate) > score(a.candidate) ? b : a;
    return b.candidate.method === "mse" ? b : a;
  });

  const analysis = slice(data.val ?? data.calib, options.analysisSamples ?? 64);
  const ranges: TActivationRange[] = points.map((p) => {
    const q = best.rewrite.quantized.get(p)!;
    return { layer: p, min: q.min, max: q.max, scale: q.scale, zeroPoint: q.zeroPoint };
  });
  return {
    model: best.rewrite.model,
    method: best.candidate.method,
    candidates: built.map((b) => b.candidate),
    fp32: fp32Accuracy === undefined ? {} : { accuracy: fp32Accuracy },
    ranges,
    layers: layerPrecisions(fp32, best.rewrite),
    report: await layerReport(fp32, best.rewrite, analysis, ort),
    samples: { calibration: data.calib.count, scoring: scoring.count, analysis: analysis.count },
  };
}
