// Writes a variant directory atomically: everything goes to a temp directory beside the target,
// then one rename makes it appear. A failed run leaves no half-written variant.
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import {
  MANIFEST_FILE,
  MANIFEST_FORMAT_VERSION,
  MODEL_JSON,
  ZManifest,
  sha256Hex,
  type TManifest,
} from "@fleet/runtime";
import { QuantizeError } from "../errors.ts";

export type ManifestBody = Omit<TManifest, "formatVersion" | "engine" | "entry" | "files" | "bytes">;

/** Temp directory in the same parent (same filesystem, so rename is atomic). */
export async function stagingDir(target: string): Promise<string> {
  await mkdir(dirname(target), { recursive: true });
  const dir = await mkdtemp(join(dirname(target), `.${basename(target)}.tmp-`));
  await chmod(dir, 0o755); // mkdtemp makes 0700; a variant is meant to be served and read
  return dir;
}

/** Replaces `target` with `staged` (an existing target is moved aside first, then removed). */
export async function commitDir(staged: string, target: string): Promise<void> {
  let aside: string | undefined;
  if (existsSync(target)) {
    aside = `${staged}.old`;
    await rename(target, aside);
  }
  await rename(staged, target);
  if (aside) await rm(aside, { recursive: true, force: true });
}

/** which engine runs the variant and the file it loads (default: tfjs, model.json) */
export interface VariantEntry {
  engine: TManifest["engine"];
  entry: string;
}

export async function writeVariantDir(
  target: string,
  files: { path: string; bytes: Uint8Array }[],
  body: ManifestBody,
  { engine, entry }: VariantEntry = { engine: "tfjs", entry: MODEL_JSON },
): Promise<TManifest> {
  const staged = await stagingDir(target);
  try {
    for (const file of files) await writeFile(join(staged, file.path), file.bytes);
    const listed = files.map((f) => ({ path: f.path, bytes: f.bytes.byteLength, sha256: sha256Hex(f.bytes) }));
    const manifest = ZManifest.parse({
      formatVersion: MANIFEST_FORMAT_VERSION,
      engine,
      entry,
      files: listed,
      bytes: listed.reduce((s, f) => s + f.bytes, 0),
      ...body,
    });
    await writeFile(join(staged, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await commitDir(staged, target);
    return manifest;
  } catch (error) {
    await rm(staged, { recursive: true, force: true });
    if (error instanceof QuantizeError) throw error;
    throw new QuantizeError(
      "OUTPUT_FAILED",
      `${target}: could not write the variant (${(error as Error).message}); nothing was left behind`,
      target,
    );
  }
}

export async function writeFileAtomic(target: string, content: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}`;
  await writeFile(temp, content);
  await rename(temp, target);
}
