// Typed errors: every failure names the file, layer or tensor it is about, and carries a code
// that callers (agent, console) map to their own messages.

export type RuntimeErrorCode =
  | "MODEL_JSON_INVALID"
  /** a model file other than model.json (an ONNX graph) that its engine refuses */
  | "MODEL_INVALID"
  | "MANIFEST_INVALID"
  | "FILE_MISSING"
  | "FILE_SHORT"
  | "HASH_MISMATCH"
  | "SIZE_MISMATCH"
  | "SHAPE_MISMATCH"
  | "WEIGHT_INVALID"
  | "UNSUPPORTED"
  | "INPUT_INVALID"
  | "SELF_TEST_FAILED"
  | "BACKEND_UNAVAILABLE";

export class RuntimeError extends Error {
  override readonly name = "RuntimeError";
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    /** the file, layer or tensor the error is about */
    readonly subject?: string,
  ) {
    super(message);
  }
}

export function isRuntimeError(error: unknown, code?: RuntimeErrorCode): error is RuntimeError {
  return error instanceof RuntimeError && (code === undefined || error.code === code);
}
