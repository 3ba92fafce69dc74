// Credentials of simulated devices: a JSON array of { deviceId, secret } or a CSV with a
// `deviceId,secret` header. `fleet-agent seed-credentials` writes one; provisioning imports it.
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { ZDeviceId } from "@fleet/protocol";
import { z } from "zod";

export const ZDeviceCredential = z.object({
  deviceId: ZDeviceId,
  secret: z.string().min(16).max(256),
});
export type TDeviceCredential = z.infer<typeof ZDeviceCredential>;

export class CredentialsError extends Error {
  override readonly name = "CredentialsError";
}

export function parseCredentials(text: string, file: string): TDeviceCredential[] {
  const trimmed = text.trim();
  let rows: unknown[];
  if (trimmed.startsWith("[")) {
    try {
      rows = JSON.parse(trimmed) as unknown[];
    } catch {
      throw new CredentialsError(`${file}: not valid JSON`);
    }
  } else {
    const lines = trimmed.split(/\r?\n/).filter((line) => line.trim() !== "");
    const header = lines
      .shift()
      ?.split(",")
      .map((h) => h.trim());
    if (header?.[0] !== "deviceId" || header[1] !== "secret")
      throw new CredentialsError(`${file}: a CSV must start with the header "deviceId,secret"`);
    rows = lines.map((line) => {
      const [deviceId, secret] = line.split(",").map((cell) => cell.trim());
      return { deviceId, secret };
    });
  }
  const parsed = z.array(ZDeviceCredential).safeParse(rows);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CredentialsError(
      `${file}: entry ${String(issue.path[0])}: ${issue.path.slice(1).join(".") || "value"} ${issue.message}`,
    );
  }
  const seen = new Set<string>();
  for (const { deviceId } of parsed.data) {
    if (seen.has(deviceId)) throw new CredentialsError(`${file}: device id ${deviceId} appears twice`);
    seen.add(deviceId);
  }
  return parsed.data;
}

export async function readCredentials(file: string): Promise<TDeviceCredential[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CredentialsError(`${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return parseCredentials(text, file);
}

export function generateCredentials(count: number, prefix = "sim"): TDeviceCredential[] {
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, i) => ({
    deviceId: ZDeviceId.parse(`${prefix}-${String(i + 1).padStart(width, "0")}`),
    secret: randomBytes(24).toString("base64url"),
  }));
}

export async function writeCredentials(file: string, credentials: readonly TDeviceCredential[]): Promise<void> {
  const text = file.endsWith(".csv")
    ? `deviceId,secret\n${credentials.map((c) => `${c.deviceId},${c.secret}`).join("\n")}\n`
    : `${JSON.stringify(credentials, null, 2)}\n`;
  // 0600: these are device secrets.
  await writeFile(file, text, { mode: 0o600 });
}
