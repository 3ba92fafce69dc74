// Device and service-account secrets are stored only as a slow scrypt hash, in one self-describing
// string: `scrypt$N$r$p$saltB64$hashB64` (standard base64, 16-byte salt, 32-byte hash).
// Shared by the broker (verifies at connect) and the console (creates and rotates secrets).
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

export interface TScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** ~50 ms and 16 MiB per check on a current core: slow for an attacker, fine at connect. */
export const DEFAULT_SCRYPT_PARAMS: TScryptParams = { N: 2 ** 14, r: 8, p: 1 };

const SALT_BYTES = 16;
const HASH_BYTES = 32;
// A hash string comes from a database row: bound its cost so a bad row cannot stall the broker.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

export async function hashSecret(
  secret: string | Buffer,
  params: TScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(secret, salt, HASH_BYTES, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64"), hash.toString("base64")].join("$");
}

/** True when `secret` matches `encoded`; false for a wrong secret or a malformed/unsupported hash string. */
export async function verifySecret(secret: string | Buffer, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (parsed === null) return false;
  const actual = await derive(secret, parsed.salt, parsed.hash.length, parsed.params);
  return timingSafeEqual(actual, parsed.hash);
}

/** The parts of a hash string, or null when it is not one this module wrote (or is too costly). */
export function parseHash(encoded: string): { params: TScryptParams; salt: Buffer; hash: Buffer } | null {
  const parts = encoded.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^\d{1,8}$/.test(part) ? Number(part) : NaN)) as [
    number,
    number,
    number,
  ];
  const [saltB64, hashB64] = parts.slice(4) as [string, string];
  if (!(N >= 2 && N <= MAX_N && (N & (N - 1)) === 0)) return null;
  if (!(r >= 1 && r <= MAX_R && p >= 1 && p <= MAX_P)) return null;
  if (!B64.test(saltB64) || !B64.test(hashB64)) return null;
  const salt = Buffer.from(saltB64, "base64");
  const hash = Buffer.from(hashB64, "base64");
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return null;
  return { params: { N, r, p }, salt, hash };
}

function derive(secret: string | Buffer, salt: Buffer, keylen: number, { N, r, p }: TScryptParams): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default maxmem (32 MiB) would refuse the larger allowed costs.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
