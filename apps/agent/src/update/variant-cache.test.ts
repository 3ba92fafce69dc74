// The variant cache: its URLs, and an install shared by several callers (simulated devices) that is
// cut only when the last of them gives up on it, against a real HTTP server holding the download.
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { TDesiredVariant } from "@fleet/protocol";
import { describe, expect, it } from "vitest";
import { tempDir } from "../testing/agent-harness.ts";
import { startArtifactServer } from "../testing/artifact-server.ts";
import { desiredVariant, signingKeys, writeTinyVariant } from "../testing/tiny-variant.ts";
import { fileUrl, VariantCache } from "./variant-cache.ts";

describe("variant file URLs", () => {
  it("keeps a signed URL's query for the files beside the manifest", () => {
    expect(fileUrl("https://c.example/a/v1/manifest.json?exp=1&sig=x", "group1-shard1of1.bin")).toBe(
      "https://c.example/a/v1/group1-shard1of1.bin?exp=1&sig=x",
    );
  });
});

describe("an install shared by two callers", () => {
  it("goes on while one of them still wants it, and is cut (staging removed) when the last gives up", async () => {
    const keys = signingKeys();
    const root = await tempDir("fleet-artifacts-");
    const tiny = await writeTinyVariant(path.join(root, "v1"));
    const server = await startArtifactServer(root);
    const cacheRoot = await tempDir();
    const cache = new VariantCache({
      root: cacheRoot,
      publicKey: keys.publicKey,
      maxBytes: 1024 * 1024,
      engines: { check: () => {} },
      downloadAttempts: 1,
    });
    const variant: TDesiredVariant = desiredVariant("v1", tiny.manifestBytes, `${server.url}/v1/manifest.json`, keys);
    try {
      // both give up: the download is cut and nothing is left in staging
      let held = server.holdOnce("/v1/weights.bin", 8);
      const [a, b] = [new AbortController(), new AbortController()];
      const first = cache.install(variant, undefined, a.signal);
      const second = cache.install(variant, undefined, b.signal);
      await held.sending;
      a.abort(new Error("device a moved on"));
      await expect(first).rejects.toThrow("device a moved on");
      b.abort(new Error("device b moved on"));
      await expect(second).rejects.toThrow("device b moved on");
      await held.closedByClient;
      await expect.poll(() => readdir(path.join(cacheRoot, "staging"))).toEqual([]);

      // a caller that comes while a cancelled install is still cleaning up gets an install of its own
      held = server.holdOnce("/v1/weights.bin", 8);
      const d = new AbortController();
      const cancelled = cache.install(variant, undefined, d.signal);
      await held.sending;
      d.abort(new Error("device d moved on"));
      const fresh = cache.install(variant);
      await expect(cancelled).rejects.toThrow("device d moved on");
      expect((await fresh).dirName).toMatch(/^v1-/);
      await cache.remove((await fresh).dirName);

      // one gives up, the other still wants it: the download completes for the other
      held = server.holdOnce("/v1/weights.bin", 8);
      const c = new AbortController();
      const third = cache.install(variant, undefined, c.signal);
      const fourth = cache.install(variant);
      await held.sending;
      c.abort(new Error("device c moved on"));
      await expect(third).rejects.toThrow("device c moved on");
      held.release();
      expect((await fourth).dirName).toMatch(/^v1-/);
    } finally {
      await server.close();
    }
  });
});
