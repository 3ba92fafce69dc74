// `fleet-broker hash-secret` as a user runs it: a real process, a secret piped on stdin (or none),
// and a hash on stdout that the service-accounts file accepts and that verifies the secret.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { verifySecret } from "@fleet/db";
import { describe, expect, it } from "vitest";
import { ZServiceAccount } from "./auth/service-accounts.ts";

const BIN = fileURLToPath(new URL("../bin/fleet-broker.mjs", import.meta.url));

function hashSecretCli(
  args: string[],
  stdin: string | null,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawn(process.execPath, [BIN, "hash-secret", ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin ?? undefined);
  return new Promise((resolve) => child.on("close", (code) => resolve({ stdout, stderr, code })));
}

const accountWith = (secretHash: string) =>
  ZServiceAccount.safeParse({ username: "console", secretHash, publish: [], subscribe: [] });

describe("fleet-broker hash-secret", () => {
  it("hashes the secret piped on stdin, ignoring the trailing newline of echo", async () => {
    const run = await hashSecretCli([], "s3cret with spaces\n");
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const hash = run.stdout.trimEnd();
    expect(run.stdout).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+\n$/);
    expect(await verifySecret("s3cret with spaces", hash)).toBe(true);
    expect(await verifySecret("s3cret with spaces\n", hash)).toBe(false);
    expect(accountWith(hash).success).toBe(true);
  });

  it("generates a random secret with --generate and prints it with its hash", async () => {
    const run = await hashSecretCli(["--generate"], null);
    expect(run.code).toBe(0);
    const match = /^secret: ([A-Za-z0-9_-]{43})\nsecretHash: (scrypt\$\S+)\n$/.exec(run.stdout);
    expect(match).not.toBeNull();
    const [, secret, hash] = match as RegExpExecArray;
    expect(await verifySecret(secret as string, hash as string)).toBe(true);
    expect(accountWith(hash as string).success).toBe(true);
    const again = await hashSecretCli(["--generate"], null);
    expect(again.stdout.split("\n")[0]).not.toBe(run.stdout.split("\n")[0]);
  });

  it("refuses an empty stdin and unknown arguments with one line and exit code 2", async () => {
    const empty = await hashSecretCli([], "");
    expect(empty).toEqual({
      code: 2,
      stdout: "",
      stderr: "fleet-broker: no secret on stdin; pipe one in, or use --generate\n",
    });
    const unknown = await hashSecretCli(["--rounds", "3"], "x");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("fleet-broker: unknown option --rounds; see fleet-broker hash-secret --help\n");
  });
});
