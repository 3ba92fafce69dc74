// Manifest signatures: the key forms a provisioning step may hand over, and what must be refused.
import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parsePublicKey, verifyManifestSignature } from "./signature.ts";

describe("manifest signature", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const manifest = Buffer.from('{"formatVersion":1}');
  const signature = sign(null, manifest, privateKey).toString("base64");
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const der = publicKey.export({ type: "spki", format: "der" });

  it("accepts the key as PEM, base64 SPKI or base64 raw, and verifies", () => {
    for (const form of [pem, der.toString("base64"), der.subarray(-32).toString("base64")]) {
      expect(() => verifyManifestSignature(manifest, signature, parsePublicKey(form))).not.toThrow();
    }
  });
  it("refuses changed bytes, a wrong key and a non-ed25519 key", () => {
    expect(() => verifyManifestSignature(Buffer.from('{"formatVersion":2}'), signature, parsePublicKey(pem))).toThrow(
      /does not verify/,
    );
    const other = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(() => verifyManifestSignature(manifest, signature, parsePublicKey(other))).toThrow(
      expect.objectContaining({ code: "bad_signature" }),
    );
    const rsa = generateKeyPairSync("ec", { namedCurve: "P-256" })
      .publicKey.export({ type: "spki", format: "pem" })
      .toString();
    expect(() => parsePublicKey(rsa)).toThrow(/not ed25519/);
  });
});
