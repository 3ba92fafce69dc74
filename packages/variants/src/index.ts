// @fleet/variants: the vocabulary of model variants (engines, precisions, quantization methods,
// file formats) and the one table of variant kinds. A leaf: zod only, nothing of ours.
export { ENGINE_DESCRIPTIONS, ENGINES, ZEngine, type TEngine } from "./engines.ts";
export {
  isWeightPrecision,
  PRECISIONS,
  WEIGHT_PRECISIONS,
  ZPrecision,
  ZWeightPrecision,
  type TPrecision,
  type TWeightPrecision,
} from "./precisions.ts";
export {
  QUANTIZATION_METHOD_NAMES,
  QUANTIZATION_METHODS,
  ZQuantizationMethod,
  type TQuantizationMethod,
} from "./quantization-methods.ts";
export {
  FILE_FORMAT_NAMES,
  FILE_FORMATS,
  fileFormatOfModelFormat,
  MODEL_FORMATS,
  ZFileFormat,
  ZModelFormat,
  type TFileFormat,
  type TModelFormat,
} from "./file-formats.ts";
export {
  engineOf,
  isVariantKindOn,
  precisionOf,
  VARIANT_KIND_NAMES,
  VARIANT_KINDS,
  variantKind,
  variantKindsOn,
  ZVariantKind,
  type TVariantKind,
  type TVariantKindOn,
  type TVariantKindRow,
} from "./variant-kinds.ts";
export {
  ASSUMED_QUALITY_TIERS,
  assumedQualityRank,
  compareAssumedQuality,
  compareKindsByAssumedQuality,
} from "./assumed-quality.ts";
