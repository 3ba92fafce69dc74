// ed25519 verification of the manifest against the console's public key (node:crypto only).
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { AgentError } from "../errors.ts";

// DER prefix of an ed25519 SubjectPublicKeyInfo; followed by the 32 raw key bytes.
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/**
 * Accepts the forms a provisioning step may hand over: PEM text, base64 of the DER SPKI, base64 of
 * the raw 32-byte key, or a path to a file holding any of those.
 */
export function parsePublicKey(input: string): KeyObject {
  let text = input.trim();
  if (!text.includes("BEGIN") && existsSync(text)) text = readFileSync(text, "utf8").trim();
  let key: KeyObject;
  try {
    if (text.includes("-----BEGIN")) key = createPublicKey(text);
    else {
      const der = Buffer.from(text, "base64");
      key = createPublicKey({
        key: der.length === 32 ? Buffer.concat([ED25519_SPKI_PREFIX, der]) : der,
        format: "der",
        type: "spki",
      });
    }
  } catch (error) {
    throw new AgentError("no_public_key", `the console public key cannot be read (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== "ed25519")
    throw new AgentError(
      "no_public_key",
      `the console public key is ${key.asymmetricKeyType ?? "unknown"}, not ed25519`,
    );
  return key;
}

export function verifyManifestSignature(manifestBytes: Uint8Array, signatureBase64: string, key: KeyObject): void {
  const signature = Buffer.from(signatureBase64, "base64");
  let valid = false;
  try {
    valid = signature.length === 64 && verify(null, manifestBytes, key, signature);
  } catch {
    valid = false;
  }
  if (!valid)
    throw new AgentError("bad_signature", "manifest.json signature does not verify against the console public key");
}
