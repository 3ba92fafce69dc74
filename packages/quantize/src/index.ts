export { ALL_VARIANTS, quantizeModel, type ProgressEvent, type QuantizeOptions } from "./quantize-model.ts";
export { evaluateVariant, type VariantMetrics } from "./evaluate-variant.ts";
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
} from "./report-schema.ts";
export { loadDataset, writeDataset, checkDatasetShape, sliceDataset, type Dataset } from "./dataset.ts";
export { encodeNpy, parseNpy, type NpyArray } from "./npy.ts";
export { CALIBRATION_METHODS, calibrateRange, type CalibrationMethod } from "./calibrate.ts";
export {
  quantizeAffineUint8,
  quantizeSymmetric,
  sqnrDb,
  cosineSimilarity,
  activationQuantParams,
} from "./quant-math.ts";
export { findWeightUnits, type WeightUnit, type KernelInfo } from "./model-units.ts";
export { parseVariantList } from "./options.ts";
export { VERSION } from "./version.ts";
