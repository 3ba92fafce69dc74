import { describe, expect, it } from "vitest";
import { desired, SHA } from "../testing/fixtures.ts";
import { issuePaths, mutate } from "../testing/issues.ts";
import { ZDesiredPayload, ZRelativePath, type TDesiredPayload } from "./desired.ts";

function variantOf(payload: TDesiredPayload) {
  if (payload.variant === null) throw new Error("fixture has a variant");
  return payload.variant;
}

describe("ZDesiredPayload", () => {
  it("accepts a variant, no variant, and no files or rollout", () => {
    expect(issuePaths(ZDesiredPayload, desired())).toEqual([]);
    expect(issuePaths(ZDesiredPayload, { ...desired(), variant: null })).toEqual([]);
    const minimal = mutate(desired(), (d) => {
      delete d.rolloutId;
      delete variantOf(d).files;
    });
    expect(issuePaths(ZDesiredPayload, minimal)).toEqual([]);
    for (const precision of ["fp32", "fp16", "uint8", "int8", "int4", "mixed"]) {
      expect(
        issuePaths(
          ZDesiredPayload,
          mutate(desired(), (d) => Object.assign(variantOf(d), { precision })),
        ),
      ).toEqual([]);
    }
  });

  it.each<[string, (d: TDesiredPayload) => void]>([
    ["rev", (d) => Object.assign(d, { rev: -1 })],
    ["rev", (d) => Object.assign(d, { rev: 1.5 })],
    ["rev", (d) => Object.assign(d, { rev: 2 ** 53 })],
    ["variant", (d) => Object.assign(d, { variant: "var-int8" })],
    ["variant.url", (d) => Object.assign(variantOf(d), { url: "file:///etc/passwd" })],
    ["variant.url", (d) => Object.assign(variantOf(d), { url: "javascript:alert(1)" })],
    ["variant.url", (d) => Object.assign(variantOf(d), { url: "/artifacts/x" })],
    ["variant.url", (d) => Object.assign(variantOf(d), { url: "https://a\nb.test/x" })],
    ["variant.url", (d) => Object.assign(variantOf(d), { url: "https://x.test/a b" })],
    ["variant.url", (d) => Object.assign(variantOf(d), { url: 42 })],
    ["variant.url", (d) => Object.assign(variantOf(d), { url: `https://x.test/${"a".repeat(3000)}` })],
    ["variant.sha256", (d) => Object.assign(variantOf(d), { sha256: SHA.toUpperCase() })],
    ["variant.bytes", (d) => Object.assign(variantOf(d), { bytes: 0 })],
    ["variant.bytes", (d) => Object.assign(variantOf(d), { bytes: 2 ** 40 })],
    ["variant.signature", (d) => Object.assign(variantOf(d), { signature: "not base64!" })],
    ["variant.precision", (d) => Object.assign(variantOf(d), { precision: "int2" })],
    ["variant.engine", (d) => Object.assign(variantOf(d), { engine: "tflite" })],
    ["variant.id", (d) => Object.assign(variantOf(d), { id: "" })],
    ["variant.files", (d) => Object.assign(variantOf(d), { files: [] })],
    ["variant.files.0.path", (d) => Object.assign(variantOf(d), { files: [{ path: "../x", sha256: SHA, bytes: 1 }] })],
    [
      "variant.files.1.path",
      (d) =>
        Object.assign(variantOf(d), {
          files: [
            { path: "model.onnx", sha256: SHA, bytes: 1 },
            { path: "model.onnx", sha256: SHA, bytes: 2 },
          ],
        }),
    ],
    ["rolloutId", (d) => Object.assign(d, { rolloutId: null })],
  ])("names the wrong field %s", (path, change) => {
    expect(issuePaths(ZDesiredPayload, mutate(desired(), change))).toEqual([path]);
  });

  it("accepts http and https URLs, including loopback with a port", () => {
    for (const url of ["http://127.0.0.1:3000/artifacts/x?sig=1", "https://[::1]:8080/x", "http://localhost/a%20b"]) {
      expect(
        issuePaths(
          ZDesiredPayload,
          mutate(desired(), (d) => Object.assign(variantOf(d), { url })),
        ),
      ).toEqual([]);
    }
  });

  it("keeps file paths inside the variant directory", () => {
    for (const path of ["model.json", "group1-shard1of2.bin", "weights/part_1.bin", ".hidden"]) {
      expect(ZRelativePath.safeParse(path).success).toBe(true);
    }
    for (const path of ["", "/etc/passwd", "../x", "a/../../x", "a/./b", ".", "a//b", "a/", "a\\b", "C:x", "a\u0000"]) {
      expect(ZRelativePath.safeParse(path).success).toBe(false);
    }
  });
});
