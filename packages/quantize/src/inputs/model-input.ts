// Accepts a model as a directory or as a zip / tar(.gz) archive, extracted to a temp directory.
import { existsSync, statSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, normalize, sep } from "node:path";
import { unzipSync } from "fflate";
import * as tar from "tar";
import { QuantizeError } from "../errors.ts";

export interface OpenedInput {
  /** directory holding model.json */
  dir: string;
  cleanup(): Promise<void>;
}

async function findModelDir(root: string, origin: string): Promise<string> {
  if (existsSync(join(root, "model.json"))) return root;
  const entries = await readdir(root, { withFileTypes: true });
  const subdirs = entries.filter((e) => e.isDirectory());
  for (const sub of subdirs) if (existsSync(join(root, sub.name, "model.json"))) return join(root, sub.name);
  throw new QuantizeError("INPUT_NOT_FOUND", `${origin}: no model.json at its top level or one folder down`, origin);
}

async function extractZip(file: string, into: string): Promise<void> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(await readFile(file));
  } catch (error) {
    throw new QuantizeError(
      "ARCHIVE_INVALID",
      `${file}: not a readable zip archive (${(error as Error).message})`,
      file,
    );
  }
  for (const [name, bytes] of Object.entries(entries)) {
    const target = normalize(join(into, name));
    if (!target.startsWith(into + sep))
      throw new QuantizeError("ARCHIVE_INVALID", `${file}: entry "${name}" escapes the archive`, file);
    if (name.endsWith("/")) continue;
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
}

export async function openModelInput(path: string): Promise<OpenedInput> {
  if (!existsSync(path)) throw new QuantizeError("INPUT_NOT_FOUND", `${path}: no such file or directory`, path);
  if (statSync(path).isDirectory()) return { dir: await findModelDir(path, path), cleanup: async () => {} };
  if (path.endsWith("model.json")) return { dir: dirname(path), cleanup: async () => {} };
  const temp = await mkdtemp(join(tmpdir(), "fleet-quantize-input-"));
  const cleanup = () => rm(temp, { recursive: true, force: true });
  try {
    if (/\.zip$/i.test(path)) await extractZip(path, temp);
    else if (/\.(tar|tgz|tar\.gz)$/i.test(path)) {
      try {
        // node-tar strips absolute paths and `..` entries by default
        await tar.x({ file: path, cwd: temp, strict: true });
      } catch (error) {
        throw new QuantizeError(
          "ARCHIVE_INVALID",
          `${path}: not a readable tar archive (${(error as Error).message})`,
          path,
        );
      }
    } else
      throw new QuantizeError(
        "INPUT_NOT_FOUND",
        `${path}: expected a model directory, model.json, .zip, .tar or .tar.gz`,
        path,
      );
    return { dir: await findModelDir(temp, path), cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
