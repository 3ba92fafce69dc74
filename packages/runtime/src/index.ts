export {
  initBackend,
  currentBackend,
  describeBackend,
  type BackendChoice,
  type BackendName,
  type BackendPreference,
} from "./backend.ts";
export { RuntimeError, isRuntimeError, type RuntimeErrorCode } from "./errors.ts";
export { float16BitsToFloat32, float32ToFloat16Bits, roundToFloat16 } from "./float16.ts";
export { LoadedModel, loadVariant, type LoadOptions, type SelfTestResult } from "./load-variant.ts";
export { openVariant, openOnnxSession, type OpenOptions } from "./open-variant.ts";
export { availableEngines, probeEngines, probeOnnx, type EngineProbe } from "./engines.ts";
export type { RunOutput, VariantRunner } from "./variant-runner.ts";
// types only: the onnx engine's modules load ONNX Runtime, so they are imported on demand
export type { OnnxSession, OnnxSessionOptions } from "./onnx/onnx-session.ts";
export type { OnnxVariant } from "./onnx/onnx-variant.ts";
// engines, precisions and variant kinds: import them from @fleet/variants
export {
  MANIFEST_FILE,
  MANIFEST_FORMAT_VERSION,
  ZActivationRange,
  ZInlineTensor,
  ZLayerPrecision,
  ZManifest,
  ZManifestFile,
  decodeInlineTensor,
  encodeInlineTensor,
  parseManifest,
  type TActivationRange,
  type TInlineTensor,
  type TLayerPrecision,
  type TManifest,
  type TManifestFile,
} from "./manifest.ts";
export { latencyStats, percentile, MB, type LatencyStats, type MemoryStats } from "./measure.ts";
export {
  MODEL_JSON,
  ZModelJson,
  modelFormatOf,
  parseModelJson,
  readModelFiles,
  type DecodedWeight,
  type ModelFiles,
  type ModelFormat,
  type TModelJson,
} from "./model-files.ts";
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
