import { getSigningKey } from "../../artifacts/keys.ts";

export interface TPublicKeyInfo {
  /** SPKI PEM (a file for `fleet-agent --public-key`). */
  pem: string;
  /** Raw 32-byte key, standard base64: `fleet-agent --public-key <this>`. */
  base64: string;
  fingerprint: string;
  /** Where the console keeps the PEM file on its host. */
  path: string;
}

/** The public half of the console's manifest-signing key (created on first use). Safe to show anyone. */
export async function getPublicKeyInfo(options: { dataDir: string }): Promise<TPublicKeyInfo> {
  const key = await getSigningKey(options.dataDir);
  return { pem: key.publicKeyPem, base64: key.publicKeyBase64, fingerprint: key.fingerprint, path: key.publicKeyPath };
}
