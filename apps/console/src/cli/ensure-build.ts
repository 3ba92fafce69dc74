import { spawn } from "node:child_process";
import { open, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { z } from "zod";
import { buildProcessEnv } from "../config.ts";
import { computeBuildFingerprint } from "./build-fingerprint.ts";

// Written next to Next's BUILD_ID after a successful build: which sources that build came from.
const STAMP_FILE = "fleet-build.json";
const ZBuildStamp = z.object({ fingerprint: z.string(), buildId: z.string() });

export class BuildError extends Error {
  override readonly name = "BuildError";
}

async function readText(file: string): Promise<string | null> {
  try {
    return (await readFile(file, "utf8")).trim();
  } catch {
    return null;
  }
}

/** Why a build is needed, or null when .next holds a production build of the current sources. */
export async function staleBuildReason(consoleDir: string, fingerprint: string): Promise<string | null> {
  const distDir = path.join(consoleDir, ".next");
  const buildId = await readText(path.join(distDir, "BUILD_ID"));
  if (buildId === null) return "no production build yet";
  const stampText = await readText(path.join(distDir, STAMP_FILE));
  const stamp = parseStamp(stampText);
  if (stamp === null || stamp.buildId !== buildId) return "the production build has no source fingerprint";
  if (stamp.fingerprint !== fingerprint) return "sources changed since the last build";
  return null;
}

function parseStamp(text: string | null): z.infer<typeof ZBuildStamp> | null {
  if (text === null) return null;
  try {
    const parsed = ZBuildStamp.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function runNextBuild(consoleDir: string): Promise<void> {
  const nextBin = createRequire(path.join(consoleDir, "package.json")).resolve("next/dist/bin/next");
  return new Promise((resolve, reject) => {
    // Next's progress goes to our stderr so stdout keeps only the lines scripts parse.
    const child = spawn(process.execPath, [nextBin, "build"], {
      cwd: consoleDir,
      env: buildProcessEnv(),
      stdio: ["ignore", process.stderr, process.stderr],
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new BuildError(`next build failed (${signal ?? `exit code ${code}`}); see the output above`));
    });
  });
}

export interface TEnsureBuildOptions {
  consoleDir: string;
  /** Build even when the current build is fresh (`fleet-console build`). */
  force?: boolean;
  log: (line: string) => void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two processes building into one .next would corrupt it: one builds, the others wait for it. */
async function withBuildLock<T>(consoleDir: string, log: (line: string) => void, run: () => Promise<T>): Promise<T> {
  const lockFile = path.join(consoleDir, ".next-build.lock");
  let waiting = false;
  for (;;) {
    try {
      const handle = await open(lockFile, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(await readText(lockFile));
      if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (!waiting) log(`waiting for the build of process ${holder} to finish…`);
      waiting = true;
      await sleep(500);
    }
  }
  try {
    return await run();
  } finally {
    await rm(lockFile, { force: true });
  }
}

/** Builds the production console when there is none or its sources changed; returns whether it built. */
export async function ensureProductionBuild({ consoleDir, force = false, log }: TEnsureBuildOptions): Promise<boolean> {
  const fingerprint = await computeBuildFingerprint(consoleDir);
  if (!force && (await staleBuildReason(consoleDir, fingerprint)) === null) return false;
  return withBuildLock(consoleDir, log, async () => {
    // Checked again under the lock: another process may have just built these sources.
    const reason = force ? "build requested" : await staleBuildReason(consoleDir, fingerprint);
    if (reason === null) return false;
    log(`building the console (${reason}); this takes a minute…`);
    await runNextBuild(consoleDir);
    const buildId = await readText(path.join(consoleDir, ".next", "BUILD_ID"));
    if (buildId === null) throw new BuildError("next build finished without writing .next/BUILD_ID");
    await writeFile(path.join(consoleDir, ".next", STAMP_FILE), `${JSON.stringify({ fingerprint, buildId })}\n`);
    log("build ready");
    return true;
  });
}
