import { describe, expect, it } from "vitest";
import { reported } from "../testing/fixtures.ts";
import { issuePaths, mutate } from "../testing/issues.ts";
import { REPORTED_STATES, ZReportedPayload, type TReportedPayload } from "./reported.ts";

describe("ZReportedPayload", () => {
  it("accepts every state", () => {
    for (const state of REPORTED_STATES) {
      const report = { ...reported(), state, error: { code: "hash_mismatch", message: "sha256 differs" } };
      expect(issuePaths(ZReportedPayload, report)).toEqual([]);
    }
    expect(
      issuePaths(ZReportedPayload, { v: 1, ts: 1_700_000_000_000, rev: 0, state: "active", activeVariantId: null }),
    ).toEqual([]);
    expect(issuePaths(ZReportedPayload, { ...reported(), targetVariantId: null })).toEqual([]);
  });

  it("requires an error when failed or rolled back", () => {
    expect(issuePaths(ZReportedPayload, { ...reported(), state: "failed" })).toEqual(["error"]);
    expect(issuePaths(ZReportedPayload, { ...reported(), state: "rolled_back" })).toEqual(["error"]);
  });

  it.each<[string, (r: TReportedPayload) => void]>([
    ["state", (r) => Object.assign(r, { state: "installing" })],
    ["rev", (r) => Object.assign(r, { rev: "7" })],
    ["activeVariantId", (r) => Object.assign(r, { activeVariantId: undefined })],
    ["progress", (r) => Object.assign(r, { progress: 1.01 })],
    ["progress", (r) => Object.assign(r, { progress: -0.1 })],
    ["error.code", (r) => Object.assign(r, { error: { code: "Hash Mismatch", message: "x" } })],
    ["error.message", (r) => Object.assign(r, { error: { code: "load_failed", message: "y".repeat(1025) } })],
    ["error.message", (r) => Object.assign(r, { error: { code: "load_failed" } })],
    ["error", (r) => Object.assign(r, { error: "boom" })],
  ])("names the wrong field %s", (path, change) => {
    expect(issuePaths(ZReportedPayload, mutate(reported(), change))).toEqual([path]);
  });
});
