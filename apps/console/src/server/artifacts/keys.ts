// The console's keys, created on first start in FLEET_DATA_DIR/keys and never regenerated:
// - signing-ed25519.pem (0600): signs every variant's manifest.json; its public half goes to agents.
// - url-hmac.key (0600): HMAC key of the short-lived artifact download URLs.
// Creation is race-free across processes (write a temp file, then link(2) it into place: exactly one
// wins, the others read the winner's key).
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from "node:crypto";
import { chmod, link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

export const KEYS_DIR = "keys";
export const SIGNING_KEY_FILE = "signing-ed25519.pem";
export const PUBLIC_KEY_FILE = "signing-ed25519.pub.pem";
export const URL_KEY_FILE = "url-hmac.key";

export interface TSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM: what `fleet-agent --public-key` accepts as a file or text. */
  publicKeyPem: string;
  /** Standard base64 of the raw 32-byte key: the short form for a command line. */
  publicKeyBase64: string;
  /** sha256 of the raw key, hex, first 16 characters: to compare keys by eye. */
  fingerprint: string;
  /** Absolute path of the public key file. */
  publicKeyPath: string;
}

// DER SPKI of an ed25519 key is this 12-byte prefix followed by the 32 raw bytes.
const ED25519_SPKI_PREFIX_LENGTH = 12;

/** Writes `content` to `target` only if it does not exist yet; returns what `target` holds afterwards. */
async function createOnce(target: string, content: Buffer, mode: number): Promise<Buffer> {
  await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  try {
    return await readFile(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  await writeFile(temp, content, { mode, flag: "wx" });
  await chmod(temp, mode); // the umask may have cut bits from `mode`
  try {
    await link(temp, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await rm(temp, { force: true });
  }
  return readFile(target);
}

function describeKey(privateKey: KeyObject, publicKeyPath: string): TSigningKey {
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ format: "der", type: "spki" });
  const raw = der.subarray(ED25519_SPKI_PREFIX_LENGTH);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ format: "pem", type: "spki" }).toString(),
    publicKeyBase64: raw.toString("base64"),
    fingerprint: createHash("sha256").update(raw).digest("hex").slice(0, 16),
    publicKeyPath,
  };
}

async function loadOrCreateSigningKey(dataDir: string): Promise<TSigningKey> {
  const dir = path.join(dataDir, KEYS_DIR);
  const generated = generateKeyPairSync("ed25519");
  const pem = Buffer.from(generated.privateKey.export({ format: "pem", type: "pkcs8" }).toString());
  const stored = await createOnce(path.join(dir, SIGNING_KEY_FILE), pem, 0o600);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(stored);
  } catch (error) {
    throw new Error(`${path.join(dir, SIGNING_KEY_FILE)} is not a readable private key (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (privateKey.asymmetricKeyType !== "ed25519")
    throw new Error(`${path.join(dir, SIGNING_KEY_FILE)} holds a ${privateKey.asymmetricKeyType} key, not ed25519`);
  const key = describeKey(privateKey, path.join(dir, PUBLIC_KEY_FILE));
  // The public half beside it, for operators to copy to devices (rewritten if missing or stale).
  const current = await readFile(/* turbopackIgnore: true */ key.publicKeyPath, "utf8").catch(() => null);
  if (current !== key.publicKeyPem) await writeFile(key.publicKeyPath, key.publicKeyPem, { mode: 0o644 });
  return key;
}

async function loadOrCreateUrlKey(dataDir: string): Promise<Buffer> {
  const stored = await createOnce(
    path.join(dataDir, KEYS_DIR, URL_KEY_FILE),
    Buffer.from(randomBytes(32).toString("hex")),
    0o600,
  );
  const hex = stored.toString("utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new Error(`${path.join(dataDir, KEYS_DIR, URL_KEY_FILE)} is not a 32-byte hex key`);
  return Buffer.from(hex, "hex");
}

// main.ts (tsx) and the Next server bundle load this module twice; the keys are shared per process.
const CACHE_KEY = Symbol.for("fleet.console.keys");
type TKeyCache = Map<string, { signing?: Promise<TSigningKey>; url?: Promise<Buffer> }>;
function cache(dataDir: string) {
  const global = globalThis as typeof globalThis & { [CACHE_KEY]?: TKeyCache };
  global[CACHE_KEY] ??= new Map();
  const all = global[CACHE_KEY];
  let entry = all.get(dataDir);
  if (!entry) {
    entry = {};
    all.set(dataDir, entry);
  }
  return entry;
}

/** The console's ed25519 signing key, created on first use. */
export function getSigningKey(dataDir: string): Promise<TSigningKey> {
  const entry = cache(dataDir);
  entry.signing ??= loadOrCreateSigningKey(dataDir).catch((error: unknown) => {
    delete entry.signing;
    throw error;
  });
  return entry.signing;
}

/** The HMAC key of signed artifact URLs, created on first use. */
export function getUrlSigningKey(dataDir: string): Promise<Buffer> {
  const entry = cache(dataDir);
  entry.url ??= loadOrCreateUrlKey(dataDir).catch((error: unknown) => {
    delete entry.url;
    throw error;
  });
  return entry.url;
}

/** ed25519 over exactly these bytes, standard base64 (88 characters): what `desired.signature` carries. */
export function signManifest(manifestBytes: Uint8Array, key: Pick<TSigningKey, "privateKey">): string {
  return sign(null, manifestBytes, key.privateKey).toString("base64");
}
