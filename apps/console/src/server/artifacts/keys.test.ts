import { createPublicKey, verify } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  getSigningKey,
  getUrlSigningKey,
  KEYS_DIR,
  PUBLIC_KEY_FILE,
  SIGNING_KEY_FILE,
  signManifest,
  URL_KEY_FILE,
} from "./keys.ts";

const dirs: string[] = [];
async function tempDir() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "fleet-console-keys-"));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("console keys", () => {
  it("creates an ed25519 key pair on first use: private key 0600, public key beside it", async () => {
    const dataDir = await tempDir();
    const key = await getSigningKey(dataDir);
    const privateFile = path.join(dataDir, KEYS_DIR, SIGNING_KEY_FILE);
    expect((await stat(privateFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(path.join(dataDir, KEYS_DIR, PUBLIC_KEY_FILE), "utf8")).toBe(key.publicKeyPem);
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(Buffer.from(key.publicKeyBase64, "base64")).toHaveLength(32);
    expect(key.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it("keeps the key across restarts (a fresh process reads the same files)", async () => {
    const dataDir = await tempDir();
    const first = await getSigningKey(dataDir);
    const pem = await readFile(path.join(dataDir, KEYS_DIR, SIGNING_KEY_FILE), "utf8");
    // Forget the process cache: what a restart does.
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("fleet.console.keys")];
    const again = await getSigningKey(dataDir);
    expect(again.publicKeyBase64).toBe(first.publicKeyBase64);
    expect(await readFile(path.join(dataDir, KEYS_DIR, SIGNING_KEY_FILE), "utf8")).toBe(pem);
  });

  it("concurrent first starts agree on one key", async () => {
    const dataDir = await tempDir();
    const keys = await Promise.all(
      Array.from({ length: 5 }, async () => {
        delete (globalThis as Record<symbol, unknown>)[Symbol.for("fleet.console.keys")];
        return getSigningKey(dataDir);
      }),
    );
    expect(new Set(keys.map((k) => k.publicKeyBase64)).size).toBe(1);
  });

  it("signs the exact manifest bytes; the agent's way of reading the key verifies it", async () => {
    const dataDir = await tempDir();
    const key = await getSigningKey(dataDir);
    const bytes = new TextEncoder().encode('{"formatVersion":1}\n');
    const signature = signManifest(bytes, key);
    expect(signature).toHaveLength(88);
    const raw = Buffer.from(key.publicKeyBase64, "base64");
    const spki = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw]);
    const publicKey = createPublicKey({ key: spki, format: "der", type: "spki" });
    expect(verify(null, bytes, publicKey, Buffer.from(signature, "base64"))).toBe(true);
    expect(
      verify(null, new TextEncoder().encode('{"formatVersion":2}\n'), publicKey, Buffer.from(signature, "base64")),
    ).toBe(false);
  });

  it("creates the URL HMAC key once, 0600", async () => {
    const dataDir = await tempDir();
    const key = await getUrlSigningKey(dataDir);
    expect(key).toHaveLength(32);
    expect((await stat(path.join(dataDir, KEYS_DIR, URL_KEY_FILE))).mode & 0o777).toBe(0o600);
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("fleet.console.keys")];
    expect((await getUrlSigningKey(dataDir)).equals(key)).toBe(true);
  });
});
