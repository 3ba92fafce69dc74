import { describe, expect, it } from "vitest";
import { hashSecret, parseHash, verifySecret } from "./credentials.ts";

// Cheap parameters keep the suite fast; the format and checks are the same as with the defaults.
const FAST = { N: 1024, r: 8, p: 1 };

describe("credential hash", () => {
  it("writes scrypt$N$r$p$salt$hash and verifies only the right secret", async () => {
    const encoded = await hashSecret("s3cret", FAST);
    expect(encoded).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(await verifySecret("s3cret", encoded)).toBe(true);
    expect(await verifySecret(Buffer.from("s3cret"), encoded)).toBe(true);
    expect(await verifySecret("s3cret ", encoded)).toBe(false);
    expect(await verifySecret("", encoded)).toBe(false);
  });

  it("salts: the same secret hashes differently each time", async () => {
    expect(await hashSecret("x", FAST)).not.toBe(await hashSecret("x", FAST));
  });

  it("uses N=2^14 by default", async () => {
    expect((await hashSecret("x")).startsWith("scrypt$16384$8$1$")).toBe(true);
  });

  it.each([
    "",
    "plain-text-secret",
    "bcrypt$10$abc",
    "scrypt$1000$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", // N not a power of two
    "scrypt$2097152$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", // N above the cap
    "scrypt$1024$8$1$not base64!$aGFzaGhhc2hoYXNoaGFzaA==",
    "scrypt$1024$8$1$c2FsdHNhbHQ=",
  ])("refuses the malformed or too costly hash %j instead of throwing", async (encoded) => {
    expect(parseHash(encoded)).toBeNull();
    expect(await verifySecret("anything", encoded)).toBe(false);
  });
});
