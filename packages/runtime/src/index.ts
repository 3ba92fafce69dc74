export { initBackend, currentBackend, describeBackend, type BackendChoice, type BackendName, type BackendPreference } from "./backend.ts";
export { RuntimeError, isRuntimeError, type RuntimeErrorCode } from "./errors.ts";
export { float16BitsToFloat32, float32ToFloat16Bits, roundToFloat16 } from "./float16.ts";
export { LoadedModel, loadVariant, type LoadOptions, type SelfTestResult } from "./load-variant.ts";
export {
  MANIFEST_FILE,
  MANIFEST_FORMAT_VERSION,
  ZActivationRange,
  ZInlineTensor,
  ZLayerPrecision,
  ZManifest,
  ZManifestFile,
  ZPrecision,
  ZVariantKind,
  decodeInlineTensor,
  encodeInlineTensor,
  parseManifest,
  type TActivationRange,
  type TInlineTensor,
  type TLayerPrecision,
  type TManifest,
  type TManifestFile,
  type TPrecision,
  type TVariantKind,
} from "./manifest.ts";
export { latencyStats, percentile, MB, type LatencyStats, type MemoryStats } from "./measure.ts";
export { MODEL_JSON, ZModelJson, modelFormatOf, parseModelJson, readModelFiles, type DecodedWeight, type ModelFiles, type ModelFormat, type TModelJson } from "./model-files.ts";
export { buildFromArtifacts, buildTfModel, toFloat32Artifacts, type TfModel } from "./tf-model.ts";
export { seededRandom } from "./seeded-random.ts";
export { sha256Hex, verifyManifestFiles } from "./verify-files.ts";
export {
  ZFleetQuantization,
  ZWeightEntry,
  channelLayout,
  decodeWeight,
  elementCount,
  entryByteLength,
  scaleCount,
  scaleIndex,
  type TFleetQuantization,
  type TWeightEntry,
} from "./weight-codec.ts";
