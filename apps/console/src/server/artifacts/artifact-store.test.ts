import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterEach, describe, expect, it } from "vitest";
import { ArtifactNotFoundError, FsArtifactStore } from "./artifact-store.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
async function store() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "fleet-console-store-"));
  dirs.push(dir);
  return FsArtifactStore.forDataDir(dir);
}
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("FsArtifactStore", () => {
  it("stores streams and bytes under their sha256, once", async () => {
    const s = await store();
    const a = await s.put(Readable.from([Buffer.from("hello "), Buffer.from("world")]));
    expect(a).toEqual({ sha256: sha("hello world"), bytes: 11 });
    const b = await s.put(new TextEncoder().encode("hello world"));
    expect(b).toEqual(a);
    expect(s.pathOf(a.sha256)).toContain(path.join("artifacts", "sha256", a.sha256.slice(0, 2), a.sha256.slice(2, 4)));
    expect(await readdir(path.join(s.root, "tmp"))).toEqual([]);
    expect(await s.stat(a.sha256)).toEqual(a);
    expect((await s.read(a.sha256)).toString()).toBe("hello world");
  });

  it("reads inclusive byte ranges as streams", async () => {
    const s = await store();
    const { sha256 } = await s.put(Buffer.from("0123456789"));
    expect(await text(await s.open(sha256, { start: 2, end: 4 }))).toBe("234");
    expect(await text(await s.open(sha256))).toBe("0123456789");
  });

  it("absent or malformed keys are not found, never a path outside the store", async () => {
    const s = await store();
    expect(await s.stat(sha("nope"))).toBeNull();
    expect(await s.stat("../../etc/passwd")).toBeNull();
    await expect(s.open(sha("nope"))).rejects.toBeInstanceOf(ArtifactNotFoundError);
    await expect(s.read("../x")).rejects.toBeInstanceOf(ArtifactNotFoundError);
  });
});
