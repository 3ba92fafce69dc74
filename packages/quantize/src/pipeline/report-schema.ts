// report.json: what each variant costs and what it keeps, per variant and per layer.
import { z } from "zod";
import { ZEngine, ZVariantKind, ZWeightPrecision } from "@fleet/variants";

/** SQNR in dB; null when the values are reproduced exactly (infinite SQNR) */
const ZErrorStats = z.object({ sqnrDb: z.number().nullable(), cosine: z.number() });

export const ZLayerReport = z.object({
  name: z.string(),
  op: z.string(),
  precision: ZWeightPrecision,
  weights: ZErrorStats,
  /** layer output vs fp32 on the analysis samples, both models run end to end from the same input */
  activations: ZErrorStats.optional(),
});

export const ZRuntimeReport = z.object({
  backend: z.string(),
  loadMs: z.number(),
  latency: z.object({ runs: z.number().int(), medianMs: z.number(), p95Ms: z.number() }),
  /** process RSS after loading and running the variant (the whole measuring process, both engines loaded) */
  rssMB: z.number(),
  /** the model's weights as the engine holds them: tfjs float32 after dequantization (equal across tfjs variants), onnx the graph as stored */
  modelMB: z.number(),
  selfTest: z.object({ passed: z.boolean(), maxAbsError: z.number() }),
});

export const ZFullInt8 = z.object({
  method: z.enum(["minmax", "percentile", "mse"]),
  accuracy: z.number().optional(),
  agreement: z.number(),
});

export const ZSensitivity = z.object({
  layer: z.string(),
  precision: ZWeightPrecision,
  accuracyDrop: z.number().optional(),
  agreement: z.number(),
});

/** onnx-int8: the calibration method picked by validation accuracy, and how each method did */
export const ZOnnxCalibration = z.object({
  method: z.enum(["minmax", "percentile", "mse"]),
  candidates: z.array(
    z.object({
      method: z.enum(["minmax", "percentile", "mse"]),
      accuracy: z.number().optional(),
      agreement: z.number(),
    }),
  ),
});

export const ZVariantReport = z.object({
  variant: ZVariantKind,
  /** the runtime the variant runs on (absent in reports written before the onnx engine: tfjs) */
  engine: ZEngine.optional(),
  dir: z.string(),
  bytes: z.object({ weights: z.number().int(), total: z.number().int() }),
  /** bytes / fp32 bytes */
  ratio: z.object({ weights: z.number(), total: z.number() }),
  accuracy: z.number().optional(),
  /** accuracy - fp32 accuracy, in points */
  accuracyDelta: z.number().optional(),
  /** top-1 agreement with fp32, percent, on the validation set (else the calibration set) */
  agreement: z.number().optional(),
  layers: z.array(ZLayerReport),
  quantizeMs: z.number(),
  runtime: ZRuntimeReport.optional(),
  fullInt8: z.array(ZFullInt8).optional(),
  mixed: z.object({ budgetPoints: z.number(), sensitivity: z.array(ZSensitivity) }).optional(),
  calibration: ZOnnxCalibration.optional(),
});

export const ZReport = z.object({
  formatVersion: z.literal(1),
  createdBy: z.string(),
  model: z.object({
    source: z.string(),
    format: z.enum(["layers-model", "graph-model"]),
    parameters: z.number().int(),
    weightBytes: z.number().int(),
  }),
  backend: z.string(),
  data: z.object({
    calibration: z.object({ source: z.string(), samples: z.number().int() }).optional(),
    validation: z.object({ source: z.string(), samples: z.number().int() }).optional(),
  }),
  activationCalibration: z.enum(["minmax", "percentile", "mse"]).optional(),
  variants: z.array(ZVariantReport),
  warnings: z.array(z.string()),
});

export type TReport = z.infer<typeof ZReport>;
export type TVariantReport = z.infer<typeof ZVariantReport>;
export type TLayerReport = z.infer<typeof ZLayerReport>;
export type TSensitivity = z.infer<typeof ZSensitivity>;
