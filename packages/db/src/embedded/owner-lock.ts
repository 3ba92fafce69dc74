import { open, readFile, rm, writeFile } from "node:fs/promises";
import { z } from "zod";
import { canConnect } from "./tcp-probe.ts";

// PGlite is one process's database: the first process to open ./data/db owns it and serves it on
// a loopback socket; the lock file tells later processes where to connect instead of opening it.
const ZLockFile = z.object({
  pid: z.number().int().positive(),
  host: z.string().nullable(),
  port: z.number().int().min(1).max(65535).nullable(),
});
export type TLockFile = z.infer<typeof ZLockFile>;

export type TLockOutcome =
  | { kind: "owner"; release: (info: { host: string; port: number }) => Promise<void>; unlock: () => Promise<void> }
  | { kind: "attach"; host: string; port: number };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readLock(file: string): Promise<TLockFile | null> {
  try {
    const parsed = ZLockFile.safeParse(JSON.parse(await readFile(file, "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Lock files this process owns, so a second open in-process attaches instead of stealing. */
const heldHere = new Set<string>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes ownership of the embedded database or finds the live owner to attach to.
 * A lock left by a dead process is removed; an owner still starting up is waited for.
 */
export async function acquireOwnerLock(file: string, waitMs = 30_000): Promise<TLockOutcome> {
  const deadline = Date.now() + waitMs;
  let unreadableSince: number | null = null;
  for (;;) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(JSON.stringify({ pid: process.pid, host: null, port: null }));
      await handle.close();
      heldHere.add(file);
      const unlock = async () => {
        heldHere.delete(file);
        await rm(file, { force: true });
      };
      return {
        kind: "owner",
        unlock,
        release: async ({ host, port }) => {
          await writeFile(file, JSON.stringify({ pid: process.pid, host, port }));
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const lock = await readLock(file);
    if (lock === null) {
      // Possibly half-written by an owner this instant; stale only if it stays unreadable.
      unreadableSince ??= Date.now();
      if (Date.now() - unreadableSince > 2_000) {
        await rm(file, { force: true });
        unreadableSince = null;
        continue;
      }
    } else if (!isAlive(lock.pid) || (lock.pid === process.pid && !heldHere.has(file))) {
      // Dead owner, or our own pid recycled from an earlier run (pid 1 in containers).
      await rm(file, { force: true });
      continue;
    } else if (lock.host && lock.port && (await canConnect(lock.host, lock.port))) {
      return { kind: "attach", host: lock.host, port: lock.port };
    }
    // Otherwise the owner is alive but not serving yet: wait for it.
    if (Date.now() > deadline) {
      throw new Error(`embedded database lock ${file} is held by process ${lock?.pid ?? "?"} which does not answer`);
    }
    await sleep(100);
  }
}
