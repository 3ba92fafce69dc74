// The public API of @fleet/quantize (the console, the agent tests and the benches import from here).
export { ALL_VARIANTS, quantizeModel, type ProgressEvent, type QuantizeOptions } from "./pipeline/quantize-model.ts";
export { evaluateVariant, type VariantMetrics } from "./evaluate/written-variant.ts";
export { QuantizeError, type QuantizeErrorCode } from "./errors.ts";
export {
  ZLayerReport,
  ZReport,
  ZRuntimeReport,
  ZSensitivity,
  ZVariantReport,
  type TLayerReport,
  type TReport,
  type TSensitivity,
  type TVariantReport,
} from "./pipeline/report-schema.ts";
export { loadDataset, writeDataset, checkDatasetShape, sliceDataset, type Dataset } from "./inputs/dataset.ts";
export { encodeNpy, parseNpy, type NpyArray } from "./inputs/npy.ts";
export { CALIBRATION_METHODS, calibrateRange, type CalibrationMethod } from "./calibration/calibrate.ts";
export {
  quantizeAffineUint8,
  quantizeSymmetric,
  sqnrDb,
  cosineSimilarity,
  activationQuantParams,
} from "./tfjs/quant-math.ts";
export { findWeightUnits, type WeightUnit, type KernelInfo } from "./tfjs/weight-units.ts";
export { parseVariantList } from "./pipeline/variant-list.ts";
export { VERSION } from "./version.ts";
