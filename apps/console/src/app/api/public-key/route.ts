import { connection } from "next/server";
import { getConsoleConfig } from "../../../config.ts";
import { getPublicKeyInfo } from "../../../server/domain/keys/get-public-key.ts";

/**
 * The console's manifest-signing public key as PEM, for provisioning scripts
 * (`curl …/api/public-key > console.pub`). A public key is no secret: no sign-in needed.
 */
export async function GET(): Promise<Response> {
  await connection();
  const key = await getPublicKeyInfo({ dataDir: getConsoleConfig().dataDir });
  return new Response(key.pem, {
    headers: {
      "content-type": "application/x-pem-file",
      "x-fleet-key-fingerprint": key.fingerprint,
      "cache-control": "no-cache",
    },
  });
}
