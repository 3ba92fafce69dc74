// Verifies every file the manifest lists (bytes and sha256) before anything is parsed, and that
// no model file is left unlisted.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { RuntimeError } from "./errors.ts";
import type { TManifest } from "./manifest.ts";

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export async function verifyManifestFiles(dir: string, manifest: TManifest): Promise<void> {
  for (const file of manifest.files) {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dir, file.path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT")
        throw new RuntimeError("FILE_MISSING", `${file.path}: listed in manifest.json but missing`, file.path);
      throw error;
    }
    if (bytes.byteLength !== file.bytes) {
      const code = bytes.byteLength < file.bytes ? "FILE_SHORT" : "SIZE_MISMATCH";
      throw new RuntimeError(
        code,
        `${file.path}: ${bytes.byteLength} bytes, manifest.json says ${file.bytes}`,
        file.path,
      );
    }
    const actual = sha256Hex(bytes);
    if (actual !== file.sha256) {
      throw new RuntimeError(
        "HASH_MISMATCH",
        `${file.path}: sha256 ${actual} does not match manifest.json (${file.sha256})`,
        file.path,
      );
    }
  }
  if (!manifest.files.some((f) => f.path === manifest.entry)) {
    throw new RuntimeError(
      "MANIFEST_INVALID",
      `manifest.json: entry "${manifest.entry}" is not among the listed files`,
      manifest.entry,
    );
  }
}

/** Every file the model itself references must be covered by a hash. */
export function checkAllFilesListed(manifest: TManifest, modelFiles: string[]): void {
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const path of modelFiles) {
    if (!listed.has(path))
      throw new RuntimeError(
        "MANIFEST_INVALID",
        `${path}: used by the model but not listed (unhashed) in manifest.json`,
        path,
      );
  }
}
