import { describe, expect, it } from "vitest";
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from "../limits.ts";
import { SIGNATURE } from "../testing/fixtures.ts";
import { textBlock, textLine, ZEd25519SignatureBase64, ZEntityId, ZSha256Hex, ZTimestampMs, ZToken } from "./common.ts";

describe("ZTimestampMs (integer epoch milliseconds)", () => {
  it.each([MIN_TIMESTAMP_MS, 1_700_000_000_000, MAX_TIMESTAMP_MS - 1])("accepts %d", (ts) => {
    expect(ZTimestampMs.safeParse(ts).success).toBe(true);
  });

  it.each([
    0,
    -1,
    1_700_000_000, // seconds, not milliseconds
    MAX_TIMESTAMP_MS,
    1_700_000_000_000.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 64,
    "1700000000000",
    "2023-11-14T22:13:20.000Z",
    null,
  ])("refuses %s", (ts) => {
    expect(ZTimestampMs.safeParse(ts).success).toBe(false);
  });
});

describe("ids, digests and signatures", () => {
  it("entity ids fit cuid, uuid and slugs but nothing hostile", () => {
    for (const id of ["clx1abc0000qz", "8f14e45f-ceea-467f-a0e6-5b8a6c9d1f2e", "mnist-int8", "a:b.c_d"]) {
      expect(ZEntityId.safeParse(id).success).toBe(true);
    }
    for (const id of ["", "-x", "_x", "a b", "a/b", "a\u0000", "x".repeat(129), 5]) {
      expect(ZEntityId.safeParse(id).success).toBe(false);
    }
  });

  it("sha256 is 64 lower-case hex characters", () => {
    expect(ZSha256Hex.safeParse("0123456789abcdef".repeat(4)).success).toBe(true);
    expect(ZSha256Hex.safeParse("0123456789ABCDEF".repeat(4)).success).toBe(false);
    expect(ZSha256Hex.safeParse("a".repeat(63)).success).toBe(false);
    expect(ZSha256Hex.safeParse(`${"a".repeat(64)}\n`).success).toBe(false);
  });

  it("an ed25519 signature is 64 bytes of padded base64", () => {
    expect(ZEd25519SignatureBase64.safeParse(SIGNATURE).success).toBe(true);
    expect(Buffer.from(SIGNATURE, "base64")).toHaveLength(64);
    expect(ZEd25519SignatureBase64.safeParse(SIGNATURE.slice(0, -2)).success).toBe(false);
    expect(ZEd25519SignatureBase64.safeParse(SIGNATURE.replace("+", "-")).success).toBe(false); // base64url
    expect(ZEd25519SignatureBase64.safeParse(`${SIGNATURE}AAAA`).success).toBe(false);
  });

  it("tokens are short names", () => {
    expect(ZToken.safeParse("CPUExecutionProvider").success).toBe(true);
    expect(ZToken.safeParse("v20.11.1").success).toBe(true);
    expect(ZToken.safeParse("1.2.3-beta.1+sha").success).toBe(true);
    expect(ZToken.safeParse("a b").success).toBe(false);
    expect(ZToken.safeParse("x".repeat(65)).success).toBe(false);
  });
});

describe("text", () => {
  it("a line has no control characters or unpaired surrogates", () => {
    const line = textLine(10);
    expect(line.safeParse("héllo 😀").success).toBe(true);
    expect(line.safeParse("").success).toBe(false);
    expect(line.safeParse("a\nb").success).toBe(false);
    expect(line.safeParse("a\u0000").success).toBe(false);
    expect(line.safeParse("a\u001b[31m").success).toBe(false);
    expect(line.safeParse("a\ud800").success).toBe(false);
    expect(line.safeParse("x".repeat(11)).success).toBe(false);
  });

  it("a block allows tabs and newlines but not NUL (Postgres text refuses it)", () => {
    const block = textBlock(20);
    expect(block.safeParse("").success).toBe(true);
    expect(block.safeParse("a\n\tb\r\n").success).toBe(true);
    expect(block.safeParse("a\u0000b").success).toBe(false);
    expect(block.safeParse("\u0007").success).toBe(false);
    expect(block.safeParse("\udfff").success).toBe(false);
  });
});
