import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { DbError } from "../errors.ts";

/** Creates the data directory and proves it is writable before PGlite half-initialises in it. */
export async function ensureWritableDir(dir: string, setting = "FLEET_DATA_DIR"): Promise<string> {
  const absolute = path.resolve(dir);
  const probe = path.join(absolute, `.write-probe-${process.pid}`);
  try {
    await mkdir(absolute, { recursive: true });
    await writeFile(probe, "");
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new DbError(
      "DATA_DIR_NOT_WRITABLE",
      `data directory ${absolute} is not writable (${code}); set ${setting} to a writable directory`,
      { cause: error },
    );
  }
  return absolute;
}
