// A variant in the artifact store = its manifest.json blob (which lists the sha256 of every file)
// plus those file blobs. Its artifact key is the manifest's sha256: the manifest pins every byte.
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { TManifest } from "@fleet/runtime";
import { loadRuntime } from "../lazy-packages.ts";
import type { TArtifactStore, TBlobInfo } from "./artifact-store.ts";
import { signManifest, type TSigningKey } from "./keys.ts";

export interface TStoredVariant {
  /** sha256 of manifest.json: the key of the variant in the store. */
  artifactKey: string;
  manifestSha256: string;
  manifestBytes: number;
  manifest: TManifest;
  /** ed25519 over the exact manifest bytes, base64. */
  signature: string;
}

export const MANIFEST_FILE = "manifest.json";

export class VariantArtifactError extends Error {
  override readonly name = "VariantArtifactError";
}

/**
 * Copies a variant directory (as fleet-quantize writes it) into the store and signs its manifest.
 * Every file is checked against the sha256 and size the manifest lists while it is stored.
 */
export async function storeVariantDir(options: {
  store: TArtifactStore;
  dir: string;
  key: Pick<TSigningKey, "privateKey">;
}): Promise<TStoredVariant> {
  const { parseManifest } = await loadRuntime();
  const manifestBytes = await readFile(path.join(options.dir, MANIFEST_FILE));
  const manifest = parseManifest(manifestBytes.toString("utf8"), path.join(options.dir, MANIFEST_FILE));
  for (const file of manifest.files) {
    const stored: TBlobInfo = await options.store.put(createReadStream(path.join(options.dir, file.path)));
    if (stored.sha256 !== file.sha256 || stored.bytes !== file.bytes) {
      throw new VariantArtifactError(
        `${file.path}: its bytes do not match manifest.json (sha256 ${stored.sha256}, ${stored.bytes} bytes)`,
      );
    }
  }
  const manifestBlob = await options.store.put(manifestBytes);
  return {
    artifactKey: manifestBlob.sha256,
    manifestSha256: manifestBlob.sha256,
    manifestBytes: manifestBlob.bytes,
    manifest,
    signature: signManifest(manifestBytes, options.key),
  };
}

/** Which blob serves `file` of the variant stored under `artifactKey`: manifest.json or a listed file. */
export async function resolveVariantFile(
  store: TArtifactStore,
  artifactKey: string,
  file: string,
): Promise<(TBlobInfo & { contentType: string }) | null> {
  if (file === MANIFEST_FILE) {
    const info = await store.stat(artifactKey);
    return info && { ...info, contentType: "application/json" };
  }
  const { parseManifest } = await loadRuntime();
  const manifest = parseManifest((await store.read(artifactKey)).toString("utf8"));
  const listed = manifest.files.find((entry) => entry.path === file);
  if (!listed) return null;
  const info = await store.stat(listed.sha256);
  if (!info) return null;
  return { ...info, contentType: file.endsWith(".json") ? "application/json" : "application/octet-stream" };
}
