// The onnx engine's variants in the quantize pipeline: the fp32 export, its fp16-weights copy and
// the full-integer int8 graph, each written as a verified variant directory (model.onnx +
// manifest.json) and measured on ONNX Runtime like a device would run it.
import { join, relative } from "node:path";
import { encodeInlineTensor, roundToFloat16, type ModelFiles, type TLayerPrecision } from "@fleet/runtime";
import { isVariantKindOn, precisionOf, variantKindsOn, type TVariantKind, type TVariantKindOn } from "@fleet/variants";
import { concatWeights, errorStats } from "../evaluate/layer-error.ts";
import type { Dataset } from "../inputs/dataset.ts";
import { QuantizeError } from "../errors.ts";
import type { Scores } from "../evaluate/score.ts";
import { measureWrittenVariant, scoreWrittenVariant } from "../evaluate/written-variant.ts";
import type { WeightUnit } from "../tfjs/weight-units.ts";
import { exportOnnxFiles } from "../onnx/export/export-onnx.ts";
import { toFp16Weights } from "../onnx/fp16/fp16-weights.ts";
import { buildOnnxInt8 } from "../onnx/int8/build-onnx-int8.ts";
import { runAll } from "../onnx/run/ort-run.ts";
import { encodeModel } from "../onnx/graph/encode-model.ts";
import type { OnnxModelProto } from "../onnx/graph/onnx-proto.ts";
import type { TLayerReport, TVariantReport } from "./report-schema.ts";
import { writeVariantDir } from "./write-variant-dir.ts";
import { VERSION } from "../version.ts";

export const ONNX_VARIANTS = variantKindsOn("onnx");
export type TOnnxVariant = TVariantKindOn<"onnx">;
export const ONNX_ENTRY = "model.onnx";

export const isOnnxVariant = (kind: TVariantKind): kind is TOnnxVariant => isVariantKindOn("onnx", kind);

/** The fp32 export, or the reason this model cannot run on the onnx engine (its TF.js variants are unaffected). */
export function exportForOnnx(files: ModelFiles): { model: OnnxModelProto } | { refused: QuantizeError } {
  try {
    return { model: exportOnnxFiles(files) };
  } catch (error) {
    if (error instanceof QuantizeError) return { refused: error };
    throw error;
  }
}

export interface OnnxVariantContext {
  outDir: string;
  files: ModelFiles;
  units: WeightUnit[];
  inputShape: (number | null)[];
  /** calibration samples (needed by onnx-int8) */
  analysis: Dataset | undefined;
  val: Dataset | undefined;
  /** validation set, else calibration set (agreement only) */
  scoring: Dataset | undefined;
  reference: Scores | undefined;
  golden: { x: Float32Array; shape: number[] };
  fp32WeightBytes: number;
  measure: boolean;
  latencyRuns: number;
}

// an int8 graph on another CPU (other integer kernels, other rounding) may differ by a few output quanta
const TOLERANCE: Record<TOnnxVariant, { absolute: number; relative: number }> = {
  "onnx-fp32": { absolute: 1e-3, relative: 1e-3 },
  "onnx-fp16": { absolute: 1e-3, relative: 1e-3 },
  "onnx-int8": { absolute: 2e-2, relative: 5e-2 },
};

function initializerBytes(model: OnnxModelProto): number {
  return model.graph.initializers.reduce((sum, t) => sum + t.raw.byteLength, 0);
}

/** fp32 / fp16 copies: per layer, the stored weights against the original float32 ones */
function floatLayers(
  ctx: OnnxVariantContext,
  precision: "fp32" | "fp16",
): { layers: TLayerPrecision[]; report: TLayerReport[] } {
  const original = new Map(ctx.files.weights.map((w) => [w.entry.name, w.values]));
  const stored = (name: string) =>
    precision === "fp16" ? Float32Array.from(original.get(name)!, roundToFloat16) : original.get(name)!;
  const units = ctx.units.filter((u) => u.weights.length > 0);
  return {
    layers: units.map((u) => ({ name: u.name, op: u.op, precision, weights: u.weights })),
    report: units.map((u) => ({
      name: u.name,
      op: u.op,
      precision,
      weights: errorStats(
        concatWeights(ctx.files, u.weights, (n) => original.get(n)!),
        concatWeights(ctx.files, u.weights, stored),
      ),
    })),
  };
}

async function goldenOutput(
  model: OnnxModelProto,
  golden: OnnxVariantContext["golden"],
): Promise<{ data: Float32Array; shape: number[] }> {
  const [count, ...sampleShape] = golden.shape as [number, ...number[]];
  const data = (await runAll(model, { x: golden.x, count, sampleShape }, ["output"])).get("output")!;
  return { data, shape: [count, data.length / count] };
}

/** Builds, writes, scores and measures one onnx variant; returns its report entry. */
export async function quantizeOnnxVariant(
  kind: TOnnxVariant,
  fp32: OnnxModelProto,
  ctx: OnnxVariantContext,
): Promise<TVariantReport> {
  const started = performance.now();
  let model: OnnxModelProto;
  let layers: TLayerPrecision[];
  let layerReport: TLayerReport[];
  let calibration: TVariantReport["calibration"];
  let activations:
    | {
        method: "minmax" | "percentile" | "mse";
        samples: number;
        ranges: NonNullable<Awaited<ReturnType<typeof buildOnnxInt8>>["ranges"]>;
      }
    | undefined;
  if (kind === "onnx-int8") {
    if (!ctx.analysis)
      throw new QuantizeError(
        "OPTIONS_INVALID",
        "variant onnx-int8 needs representative data (--calib DIR or --val DIR) to calibrate its activations",
      );
    const built = await buildOnnxInt8(fp32, { calib: ctx.analysis, ...(ctx.val ? { val: ctx.val } : {}) });
    model = built.model;
    layers = built.layers;
    layerReport = built.report;
    calibration = { method: built.method, candidates: built.candidates };
    activations = { method: built.method, samples: ctx.analysis.count, ranges: built.ranges };
  } else {
    model = kind === "onnx-fp16" ? toFp16Weights(fp32) : fp32;
    ({ layers, report: layerReport } = floatLayers(ctx, precisionOf(kind)));
  }
  const bytes = encodeModel(model);
  const golden = await goldenOutput(model, ctx.golden);
  const dir = join(ctx.outDir, kind);
  const manifest = await writeVariantDir(
    dir,
    [{ path: ONNX_ENTRY, bytes }],
    {
      modelFormat: "onnx",
      variant: kind,
      createdBy: `fleet-quantize ${VERSION}`,
      input: { name: "input", shape: ctx.inputShape },
      // as the graph declares it (symbolic batch → null), which the runtime checks at load
      output: {
        name: "output",
        shape: (model.graph.outputs[0]?.shape ?? []).map((d) => (typeof d === "number" ? d : null)),
      },
      layers,
      ...(activations ? { activations } : {}),
      selfTest: {
        input: encodeInlineTensor(ctx.golden.x, ctx.golden.shape),
        output: encodeInlineTensor(golden.data, golden.shape),
        tolerance: TOLERANCE[kind],
      },
    },
    { engine: "onnx", entry: ONNX_ENTRY },
  );

  const weightBytes = initializerBytes(model);
  const report: TVariantReport = {
    variant: kind,
    engine: "onnx",
    dir: relative(ctx.outDir, dir) || kind,
    bytes: { weights: weightBytes, total: manifest.bytes },
    ratio: { weights: weightBytes / ctx.fp32WeightBytes, total: 0 },
    layers: layerReport,
    quantizeMs: 0,
    ...(calibration ? { calibration } : {}),
  };
  if (ctx.scoring) {
    // scored as a device runs it: the written directory, verified and self-tested by the runtime
    const scores = await scoreWrittenVariant(dir, ctx.scoring, ctx.reference?.predictions);
    report.agreement = scores.agreement;
    if (scores.accuracy !== undefined && ctx.reference?.accuracy !== undefined) {
      report.accuracy = scores.accuracy;
      report.accuracyDelta = scores.accuracy - ctx.reference.accuracy;
    }
  }
  report.quantizeMs = performance.now() - started;
  if (ctx.measure)
    report.runtime = await measureWrittenVariant(
      dir,
      ctx.golden.x.subarray(0, ctx.golden.x.length / ctx.golden.shape[0]!),
      ctx.latencyRuns,
    );
  return report;
}
