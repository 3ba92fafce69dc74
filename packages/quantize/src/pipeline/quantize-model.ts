// fleet-quantize's engine: float32 TF.js model in, one verified directory per variant and a
// report out. Every number in the report is measured in this run.
import { join, relative } from "node:path";
import * as tf from "@tensorflow/tfjs";
import {
  buildTfModel,
  describeBackend,
  encodeInlineTensor,
  initBackend,
  MODEL_JSON,
  readModelFiles,
  type BackendPreference,
  type TActivationRange,
  type TfModel,
} from "@fleet/runtime";
import { precisionOf, VARIANT_KIND_NAMES, variantKindsOn, type TVariantKind } from "@fleet/variants";
import { captureActivations, captureLayerInputs, inputLayerName } from "../calibration/capture-activations.ts";
import { compareTfjsVariant } from "../evaluate/compare-tfjs-variant.ts";
import { measureWrittenVariant } from "../evaluate/written-variant.ts";
import { simulateFullInt8 } from "../calibration/simulate-full-int8.ts";
import { openModelInput } from "../inputs/model-input.ts";
import { channelMeans } from "../tfjs/bias-correction.ts";
import { CALIBRATION_METHODS, calibrateAll, type CalibrationMethod } from "../calibration/calibrate.ts";
import { checkDatasetShape, loadDataset, sliceDataset, type Dataset } from "../inputs/dataset.ts";
import { QuantizeError } from "../errors.ts";
import { scoreTfModel } from "../evaluate/score.ts";
import { chooseMixedPrecision } from "../tfjs/mixed-precision.ts";
import { findWeightUnits } from "../tfjs/weight-units.ts";
import { ZReport, type TReport, type TVariantReport } from "./report-schema.ts";
import { buildTfjsVariant, type BuiltTfjsVariant } from "../tfjs/build-tfjs-variant.ts";
import { quantizeOnnxVariant, exportForOnnx, isOnnxVariant } from "./quantize-onnx-variant.ts";
import type { OnnxModelProto } from "../onnx/graph/onnx-proto.ts";
import { writeFileAtomic, writeVariantDir } from "./write-variant-dir.ts";
import { VERSION } from "../version.ts";

export const TFJS_VARIANTS: TVariantKind[] = variantKindsOn("tfjs");
export const ALL_VARIANTS: TVariantKind[] = [...VARIANT_KIND_NAMES];

export interface QuantizeOptions {
  /** model directory, model.json, or .zip/.tar/.tar.gz archive */
  input: string;
  outDir: string;
  calibDir?: string;
  valDir?: string;
  variants?: TVariantKind[];
  /** mixed: accuracy points allowed below fp32 (default 0.5) */
  budget?: number;
  /** int4: elements per scale (default 32; 0 = per channel) */
  groupSize?: number;
  /** int8/int4 kernels: correct biases for the weight error (default on when representative data is given) */
  biasCorrection?: boolean;
  calibration?: CalibrationMethod;
  /** measure load time / latency / RSS by loading each written variant with the runtime (default true) */
  measure?: boolean;
  latencyRuns?: number;
  backend?: BackendPreference;
  onProgress?: (event: ProgressEvent) => void;
}

export interface ProgressEvent {
  done: number;
  total: number;
  label: string;
}

/** samples used for activation statistics, calibration and bias correction */
const ANALYSIS_SAMPLES = 256;
const GOLDEN_SAMPLES = 2;

function tensorOf(dataset: Dataset): tf.Tensor {
  return tf.tensor(dataset.x, [dataset.count, ...dataset.sampleShape]);
}

function goldenInput(inputShape: (number | null)[], data: Dataset | undefined): { x: Float32Array; shape: number[] } {
  if (data) {
    const golden = sliceDataset(data, GOLDEN_SAMPLES);
    return { x: Float32Array.from(golden.x), shape: [golden.count, ...golden.sampleShape] };
  }
  // deterministic pseudo-random input in [0, 1) when no data was given
  const shape = [GOLDEN_SAMPLES, ...inputShape.slice(1).map((d) => d ?? 1)];
  let seed = 12345;
  const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed % 10000) / 10000;
  });
  return { x, shape };
}

export async function quantizeModel(options: QuantizeOptions): Promise<TReport> {
  const warnings: string[] = [];
  const budget = options.budget ?? 0.5;
  const groupSize = options.groupSize ?? 32;
  const method = options.calibration ?? "mse";
  if (!(budget >= 0))
    throw new QuantizeError("OPTIONS_INVALID", `--budget must be a number of points >= 0, got ${options.budget}`);
  if (!Number.isInteger(groupSize) || groupSize < 0)
    throw new QuantizeError("OPTIONS_INVALID", `--group-size must be an integer >= 0, got ${options.groupSize}`);

  const backend = await initBackend(options.backend ?? "auto");
  const opened = await openModelInput(options.input);
  try {
    const files = await readModelFiles(opened.dir);
    const units = findWeightUnits(files);
    const fp32Model = await buildTfModel(files);
    const inputShape = [...((fp32Model.inputs[0] as { shape?: (number | null)[] } | undefined)?.shape ?? [])].map(
      (d) => (d === -1 ? null : d),
    );

    const val = options.valDir ? await loadDataset(options.valDir, { labels: true, purpose: "validation" }) : undefined;
    const calibFull = options.calibDir
      ? await loadDataset(options.calibDir, { labels: false, purpose: "calibration" })
      : undefined;
    if (val) checkDatasetShape(val, inputShape);
    if (calibFull) checkDatasetShape(calibFull, inputShape);
    if (!calibFull && val) warnings.push("no --calib data: calibrating on the first validation samples");
    const calib = calibFull ?? val;
    const analysis = calib ? sliceDataset(calib, ANALYSIS_SAMPLES) : undefined;

    let variants = options.variants ?? ALL_VARIANTS;
    if (variants.includes("mixed") && !val) {
      if (options.variants)
        throw new QuantizeError(
          "OPTIONS_INVALID",
          "variant mixed needs labelled validation data (--val DIR) to hold its accuracy budget",
        );
      variants = variants.filter((v) => v !== "mixed");
      warnings.push("mixed skipped: it needs --val data");
    }
    if (variants.includes("onnx-int8") && !calib) {
      if (options.variants)
        throw new QuantizeError(
          "OPTIONS_INVALID",
          "variant onnx-int8 needs representative data (--calib DIR or --val DIR) to calibrate its activations",
        );
      variants = variants.filter((v) => v !== "onnx-int8");
      warnings.push("onnx-int8 skipped: it needs --calib or --val data");
    }
    // the onnx engine runs only the layers its exporter knows; the TF.js variants are made regardless
    let onnxFp32: OnnxModelProto | undefined;
    if (variants.some(isOnnxVariant)) {
      const exported = exportForOnnx(files);
      if ("refused" in exported) {
        warnings.push(`onnx variants skipped: ${exported.refused.message}`);
        variants = variants.filter((v) => !isOnnxVariant(v));
      } else onnxFp32 = exported.model;
    }
    const steps = variants.length + 2;
    let done = 0;
    const progress = (label: string) => options.onProgress?.({ done, total: steps, label });

    // fp32 reference: predictions, per-layer activations, activation ranges, input means
    progress("fp32 reference");
    const isLayers = files.format === "layers-model";
    const kernelUnits = units.filter((u) => u.kernels.length > 0 && (isLayers || u.op !== "Const"));
    const activationNames = isLayers
      ? [
          inputLayerName(fp32Model as tf.LayersModel),
          ...(fp32Model as tf.LayersModel).layers.filter((l) => l.getClassName() !== "InputLayer").map((l) => l.name),
        ]
      : kernelUnits.map((u) => u.name);
    // agreement with fp32 is measured on the validation set, or on the calibration set without one
    const scoring = val ?? calib;
    const reference = scoring ? scoreTfModel(fp32Model, scoring) : undefined;
    const analysisX = analysis ? tensorOf(analysis) : undefined;
    const fp32Activations = analysisX
      ? captureActivations(fp32Model, files.format, activationNames, analysisX)
      : new Map<string, Float32Array>();
    const ranges = new Map<CalibrationMethod, TActivationRange[]>(
      CALIBRATION_METHODS.map((m) => [m, calibrateAll(fp32Activations, m)]),
    );
    let inputMeans: Map<string, Float64Array> | undefined;
    const biasCorrection = options.biasCorrection ?? true;
    if (biasCorrection && analysisX && isLayers) {
      inputMeans = new Map();
      for (const [name, input] of captureLayerInputs(
        fp32Model as tf.LayersModel,
        kernelUnits.map((u) => u.name),
        analysisX,
      ))
        inputMeans.set(name, channelMeans(input.values, input.channels));
    } else if (biasCorrection && !isLayers)
      warnings.push(
        "bias correction is implemented for layers models only; graph-model int8 kernels are not corrected",
      );
    const golden = goldenInput(inputShape, calib);
    const fp32WeightBytes = files.weights.reduce((s, w) => s + w.values.byteLength, 0);
    done++;

    const reports: TVariantReport[] = [];
    let fp32TotalBytes = 0;
    for (const variant of variants) {
      progress(`variant ${variant}`);
      if (isOnnxVariant(variant)) {
        const ctx = {
          outDir: options.outDir,
          files,
          units,
          inputShape,
          analysis,
          val,
          scoring,
          reference,
          golden,
          fp32WeightBytes,
          measure: options.measure ?? true,
          latencyRuns: options.latencyRuns ?? 50,
        };
        reports.push(await quantizeOnnxVariant(variant, onnxFp32!, ctx));
        done++;
        continue;
      }
      const started = performance.now();
      const settings = {
        groupSize,
        ...(inputMeans && (variant === "int8-channel" || variant === "int4-group" || variant === "mixed")
          ? { inputMeans }
          : {}),
      };
      let built: BuiltTfjsVariant;
      let mixedInfo: TVariantReport["mixed"];
      if (variant === "mixed") {
        const choice = await chooseMixedPrecision({
          units,
          files,
          groupSize,
          budgetPoints: budget,
          referenceAccuracy: reference!.accuracy!,
          evaluate: async (precisionOf) => {
            const candidate = await buildTfjsVariant(files, units, precisionOf, settings);
            const result = scoreTfModel(candidate.model, val!, reference!.predictions);
            candidate.model.dispose();
            return { accuracy: result.accuracy!, agreement: result.agreement };
          },
          onStep: (label) => progress(`mixed: ${label}`),
        });
        built = await buildTfjsVariant(files, units, (u) => choice.precision.get(u.name) ?? "fp32", settings);
        mixedInfo = { budgetPoints: budget, sensitivity: choice.sensitivity };
      } else {
        const precision = precisionOf(variant);
        built = await buildTfjsVariant(files, units, () => precision, settings);
      }
      const report = await compareTfjsVariant(variant, built, {
        files,
        units,
        scoring,
        reference,
        analysisX,
        fp32Activations,
        activationNames,
        isLayers,
        fp32WeightBytes,
      });
      const goldenOut = tf.tidy(
        () => (built.model.predict(tf.tensor(golden.x, golden.shape)) as tf.Tensor).dataSync() as Float32Array,
      );
      const outputShape = [...((built.model.outputs[0] as { shape?: (number | null)[] } | undefined)?.shape ?? [])].map(
        (d) => (d === -1 ? null : d),
      );
      const dir = join(options.outDir, variant);
      const modelJsonBytes = new TextEncoder().encode(JSON.stringify(built.encoded.modelJson));
      const manifest = await writeVariantDir(
        dir,
        [{ path: MODEL_JSON, bytes: modelJsonBytes }, ...built.encoded.shards],
        {
          modelFormat: files.format,
          variant,
          createdBy: `fleet-quantize ${VERSION}`,
          input: { name: ioName(fp32Model, "input"), shape: inputShape },
          output: { name: ioName(fp32Model, "output"), shape: outputShape },
          layers: built.layers,
          ...(analysis && fp32Activations.size > 0
            ? { activations: { method, samples: analysis.count, ranges: ranges.get(method)! } }
            : {}),
          selfTest: {
            input: encodeInlineTensor(golden.x, golden.shape),
            output: encodeInlineTensor(goldenOut, [golden.shape[0]!, goldenOut.length / golden.shape[0]!]),
            tolerance: { absolute: 1e-3, relative: 1e-3 },
          },
        },
      );
      if (variant === "int8-channel" && isLayers && val)
        report.fullInt8 = simulateFullInt8(built.model as tf.LayersModel, val, reference!.predictions, ranges);
      if (variant === "int8-channel" && !isLayers)
        warnings.push("simulated full-int8 accuracy is implemented for layers models only");
      if (mixedInfo) report.mixed = mixedInfo;
      report.quantizeMs = performance.now() - started;
      built.model.dispose();
      report.dir = relative(options.outDir, dir) || variant;
      report.bytes.total = manifest.bytes;
      if (variant === "fp32") fp32TotalBytes = manifest.bytes;
      if (options.measure ?? true)
        report.runtime = await measureWrittenVariant(
          dir,
          golden.x.subarray(0, golden.x.length / golden.shape[0]!),
          options.latencyRuns ?? 50,
        );
      reports.push(report);
      done++;
    }
    // without an fp32 variant, its size is the float32 weights plus the same model.json
    const totalBase =
      fp32TotalBytes || fp32WeightBytes + new TextEncoder().encode(JSON.stringify(files.modelJson)).byteLength + 2;
    for (const r of reports) r.ratio = { weights: r.bytes.weights / fp32WeightBytes, total: r.bytes.total / totalBase };
    fp32Model.dispose();
    analysisX?.dispose();

    progress("report");
    const report = ZReport.parse({
      formatVersion: 1,
      createdBy: `fleet-quantize ${VERSION}`,
      model: {
        source: options.input,
        format: files.format,
        parameters: files.weights.reduce((s, w) => s + w.values.length, 0),
        weightBytes: fp32WeightBytes,
      },
      backend: describeBackend(backend),
      data: {
        ...(calib ? { calibration: { source: calib.source, samples: analysis!.count } } : {}),
        ...(val ? { validation: { source: val.source, samples: val.count } } : {}),
      },
      ...(analysis ? { activationCalibration: method } : {}),
      variants: reports,
      warnings,
    } satisfies TReport);
    await writeFileAtomic(join(options.outDir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
    done++;
    progress("done");
    return report;
  } finally {
    await opened.cleanup();
  }
}

/** stable names: layer names for layers models (tensor names carry per-process counters), node names for graphs */
function ioName(model: TfModel, which: "input" | "output"): string {
  if (model instanceof tf.GraphModel)
    return (which === "input" ? model.inputs[0]?.name : model.outputs[0]?.name) ?? which;
  return (which === "input" ? model.inputLayers[0]?.name : model.outputLayers[0]?.name) ?? which;
}
