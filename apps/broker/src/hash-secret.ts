// `fleet-broker hash-secret`: the scrypt hash of a service account's secret, for the `secretHash` of
// the service-accounts file (the same format the console writes for devices: @fleet/db's hashSecret).
//   printf %s "$SECRET" | fleet-broker hash-secret      → the hash on stdout
//   fleet-broker hash-secret --generate                  → a new random secret and its hash
// With nothing piped in (stdin is a terminal) it generates, so a secret is never typed in the clear.
import { randomBytes } from "node:crypto";
import type { Readable, Writable } from "node:stream";
import { hashSecret } from "@fleet/db";
import { ConfigError } from "@fleet/settings";

/** More than any sensible secret; a bigger stdin is a mistake (a file piped in), not a secret. */
const MAX_SECRET_BYTES = 1024;
/** 32 random bytes, base64url: 43 characters, 256 bits. */
const GENERATED_BYTES = 32;

export interface HashSecretIo {
  readonly stdin: Readable & { readonly isTTY?: boolean };
  readonly stdout: Writable;
}

/** Runs the subcommand (its `--generate` is parsed with the broker's table). Throws ConfigError on bad input. */
export async function runHashSecret(options: { readonly generate: boolean }, io: HashSecretIo): Promise<void> {
  if (options.generate || io.stdin.isTTY === true) {
    const secret = randomBytes(GENERATED_BYTES).toString("base64url");
    io.stdout.write(`secret: ${secret}\nsecretHash: ${await hashSecret(secret)}\n`);
    return;
  }
  const secret = await readSecret(io.stdin);
  io.stdout.write(`${await hashSecret(secret)}\n`);
}

async function readSecret(stdin: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    bytes += buffer.length;
    if (bytes > MAX_SECRET_BYTES + 2) {
      stdin.destroy();
      break;
    }
    chunks.push(buffer);
  }
  let secret = Buffer.concat(chunks);
  // `echo secret |` adds a newline the secret does not contain.
  if (secret.at(-1) === 0x0a) secret = secret.subarray(0, secret.at(-2) === 0x0d ? -2 : -1);
  if (secret.length === 0) {
    throw new ConfigError("argv", "no secret on stdin; pipe one in, or use --generate");
  }
  if (secret.length > MAX_SECRET_BYTES) {
    throw new ConfigError("argv", `the secret on stdin is longer than ${MAX_SECRET_BYTES} bytes`);
  }
  return secret;
}
