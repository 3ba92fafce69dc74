import { createHash } from "node:crypto";
import { readdir, readFile, realpath } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

// Everything that can change the bundle `next build` writes: the console's own sources and
// config, the workspace packages it compiles (transpilePackages), and the Next.js version.
const CONSOLE_INPUTS = ["src", "next.config.ts", "tsconfig.json", "package.json", "../../tsconfig.base.json"];
const WORKSPACE_PACKAGES = ["@fleet/db", "@fleet/protocol", "@fleet/settings"];
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|json|css|wasm|prisma)$/;
const SKIPPED_FILE = /\.test\.[cm]?[jt]sx?$/;

async function listFiles(entry: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(entry, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") return [entry];
    if (code === "ENOENT") return [];
    throw error;
  }
  const nested = await Promise.all(
    entries
      .filter((child) => !child.name.startsWith(".") && child.name !== "node_modules")
      .map((child) => {
        const full = path.join(entry, child.name);
        if (child.isDirectory()) return listFiles(full);
        return Promise.resolve(SOURCE_FILE.test(child.name) && !SKIPPED_FILE.test(child.name) ? [full] : []);
      }),
  );
  return nested.flat();
}

async function packageDir(consoleDir: string, name: string): Promise<string | null> {
  try {
    return await realpath(path.join(consoleDir, "node_modules", name));
  } catch {
    return null;
  }
}

/** sha256 over the contents (not mtimes: a fresh clone has new mtimes, same sources) of every input. */
export async function computeBuildFingerprint(consoleDir: string): Promise<string> {
  const roots = CONSOLE_INPUTS.map((input) => path.resolve(consoleDir, input));
  for (const name of WORKSPACE_PACKAGES) {
    const dir = await packageDir(consoleDir, name);
    if (dir) roots.push(path.join(dir, "src"), path.join(dir, "package.json"));
  }
  const files = [...new Set((await Promise.all(roots.map(listFiles))).flat())].sort();
  const hash = createHash("sha256");
  const nextVersion = (createRequire(path.join(consoleDir, "package.json"))("next/package.json") as { version: string })
    .version;
  hash.update(`next@${nextVersion}\n`);
  for (const file of files) {
    const content = await readFile(file);
    hash.update(`${path.relative(consoleDir, file)}\0${createHash("sha256").update(content).digest("hex")}\n`);
  }
  return hash.digest("hex");
}
