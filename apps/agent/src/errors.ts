// Typed agent errors. `code` is the reason published in `reported.error.code`, one of the protocol's
// AGENT_ERROR_CODES; the message is for people and never carries a stack trace.
import { ENGINES, type TAgentErrorCode } from "@fleet/protocol";
import { isRuntimeError } from "@fleet/runtime";

export class AgentError extends Error {
  override readonly name = "AgentError";
  constructor(
    readonly code: TAgentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Maps any failure of an update to the code and message the console sees. */
export function describeFailure(error: unknown): { code: TAgentErrorCode; message: string } {
  if (error instanceof AgentError) return { code: error.code, message: error.message };
  if (isRuntimeError(error)) {
    const byRuntime: Partial<Record<string, TAgentErrorCode>> = {
      HASH_MISMATCH: "hash_mismatch",
      SIZE_MISMATCH: "hash_mismatch",
      FILE_SHORT: "download_truncated",
      FILE_MISSING: "bad_manifest",
      MANIFEST_INVALID: "bad_manifest",
      SELF_TEST_FAILED: "self_test_failed",
    };
    // the runtime refuses a variant of an engine it was not allowed to use with the engine as subject
    if (error.code === "UNSUPPORTED" && (ENGINES as readonly string[]).includes(error.subject ?? ""))
      return { code: "unsupported_engine", message: error.message };
    return { code: byRuntime[error.code] ?? "load_failed", message: error.message };
  }
  if (error instanceof RangeError && /allocation|memory/i.test(error.message)) {
    return { code: "out_of_memory", message: error.message };
  }
  return { code: "load_failed", message: error instanceof Error ? error.message : String(error) };
}
