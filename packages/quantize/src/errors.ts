// Typed errors of the quantization engine; each names the file, layer or tensor concerned.
export type QuantizeErrorCode =
  | "INPUT_NOT_FOUND"
  | "ARCHIVE_INVALID"
  | "DATASET_INVALID"
  | "DATASET_EMPTY"
  | "MODEL_UNSUPPORTED"
  | "WEIGHT_INVALID"
  | "OPTIONS_INVALID"
  | "OUTPUT_FAILED";

export class QuantizeError extends Error {
  override readonly name = "QuantizeError";
  constructor(
    readonly code: QuantizeErrorCode,
    message: string,
    readonly subject?: string,
  ) {
    super(message);
  }
}
