import { describe, expect, expectTypeOf, it } from "vitest";
import { decodePayload } from "../decode.ts";
import { encodePayload } from "../encode.ts";
import { MAX_ERROR_MESSAGE_LENGTH } from "../limits.ts";
import { reported } from "../testing/fixtures.ts";
import { issuePaths } from "../testing/issues.ts";
import {
  AGENT_ERROR_CODES,
  isAgentErrorCode,
  ZReportedError,
  type TAgentErrorCode,
  type TReportedErrorCode,
} from "./agent-error-codes.ts";

const failed = (code: string, message = "sha256 differs") => ({
  ...reported(),
  state: "failed",
  error: { code, message },
});

describe("agent error codes on the wire", () => {
  it("keeps today's codes", () => {
    expect(AGENT_ERROR_CODES).toEqual([
      "bad_desired",
      "too_large",
      "download_failed",
      "download_truncated",
      "bad_signature",
      "hash_mismatch",
      "bad_manifest",
      "load_failed",
      "self_test_failed",
      "out_of_memory",
      "no_public_key",
      "unsupported_engine",
      "storage_failed",
      "superseded",
    ]);
    expect(AGENT_ERROR_CODES.every(isAgentErrorCode)).toBe(true);
    expect(isAgentErrorCode("other")).toBe(false);
  });

  it("reads every known code as itself", () => {
    for (const code of AGENT_ERROR_CODES) {
      const decoded = decodePayload("reported", JSON.stringify(failed(code)));
      expect(decoded.ok && decoded.value.error).toEqual({ code, message: "sha256 differs" });
    }
  });

  it("reads a code of a newer agent as `other`, keeping the code in the message, never refusing the report", () => {
    const decoded = decodePayload("reported", JSON.stringify(failed("quota_exceeded", "disk full")));
    expect(decoded).toEqual({
      ok: true,
      value: { ...failed("quota_exceeded"), error: { code: "other", message: "quota_exceeded: disk full" } },
    });
    if (decoded.ok) expectTypeOf(decoded.value.error!.code).toEqualTypeOf<TReportedErrorCode>();
    expect(ZReportedError.parse({ code: "other", message: "x" })).toEqual({ code: "other", message: "x" });
  });

  it("keeps the message of an unknown code within the limit without splitting a character", () => {
    const emoji = "🙂".repeat(MAX_ERROR_MESSAGE_LENGTH / 2);
    const read = ZReportedError.parse({ code: "new_code", message: emoji });
    expect(read.code).toBe("other");
    expect(read.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
    expect(read.message.startsWith("new_code: 🙂")).toBe(true);
    expect(read.message.endsWith("🙂")).toBe(true);
  });

  it("still refuses a malformed code", () => {
    expect(issuePaths(ZReportedError, { code: "Hash Mismatch", message: "x" })).toEqual(["code"]);
    expect(issuePaths(ZReportedError, { code: "a".repeat(65), message: "x" })).toEqual(["code"]);
    expect(issuePaths(ZReportedError, { code: 7, message: "x" })).toEqual(["code"]);
  });

  it("refuses an unknown code from our own agent: at compile time, and at run time if the types were bypassed", () => {
    const report = (code: TAgentErrorCode) => ({
      ...reported(),
      state: "failed" as const,
      error: { code, message: "m" },
    });
    expect(encodePayload("reported", report("hash_mismatch")).ok).toBe(true);
    // @ts-expect-error: not an agent error code
    const typo = report("hash_mismatched");
    const encoded = encodePayload("reported", typo);
    expect(encoded.ok).toBe(false);
    expect(!encoded.ok && encoded.error.code).toBe("invalid");
    expect(!encoded.ok && encoded.error.path).toBe("error.code");
    expect(!encoded.ok && encoded.error.message).toMatch(/would be read as "other"/);
  });
});
