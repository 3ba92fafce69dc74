// The secret file: read with its trailing newline trimmed, refused when other users may read or
// write it, accepted with a warning when its group may read it.
import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import { ConfigError } from "@fleet/settings";
import { describe, expect, it } from "vitest";
import { tempDir } from "./testing/agent-harness.ts";
import { readSecretFile } from "./secret-file.ts";

async function secretFile(content: string, mode: number): Promise<string> {
  const file = path.join(await tempDir(), "secret");
  await writeFile(file, content);
  await chmod(file, mode);
  return file;
}

describe("secret file", () => {
  it("reads a 0600 or 0400 file, without the newline an editor or echo adds", async () => {
    expect(readSecretFile(await secretFile("s3cr3t-0123456789abcdef\n", 0o600))).toEqual({
      secret: "s3cr3t-0123456789abcdef",
    });
    expect(readSecretFile(await secretFile("s3cr3t-0123456789abcdef", 0o400)).secret).toBe("s3cr3t-0123456789abcdef");
  });

  it("refuses a file every user of the device may read or write, saying how to fix it", async () => {
    for (const mode of [0o644, 0o604, 0o602]) {
      const file = await secretFile("s3cr3t-0123456789abcdef\n", mode);
      expect(() => readSecretFile(file)).toThrow(ConfigError);
      expect(() => readSecretFile(file)).toThrow(
        new RegExp(
          `--secret-file \\(FLEET_AGENT_SECRET_FILE\\) ${file} may be (read|written) by every user .*mode 0${mode.toString(8)}.*chmod 600`,
        ),
      );
    }
  });

  it("accepts a file its group may read, with a warning", async () => {
    const read = readSecretFile(await secretFile("s3cr3t-0123456789abcdef\n", 0o640));
    expect(read.secret).toBe("s3cr3t-0123456789abcdef");
    expect(read.warning).toMatch(/may be read by its group \(mode 0640\); 0600/);
  });

  it("refuses a missing file and one far longer than a secret, never echoing the content", async () => {
    expect(() => readSecretFile("/nonexistent/secret")).toThrow(/\/nonexistent\/secret cannot be read \(ENOENT\)/);
    const long = await secretFile("x".repeat(5000), 0o600);
    expect(() => readSecretFile(long)).toThrow(/longer than 4096 bytes/);
    expect(() => readSecretFile(long)).not.toThrow(/xxxx/);
  });
});
