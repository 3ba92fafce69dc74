// Resumable download against a real HTTP server on an ephemeral port: resume from a .part file,
// the size limit, and no retry of a 404.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../testing/agent-harness.ts";
import { startArtifactServer } from "../testing/artifact-server.ts";
import { downloadFile } from "./download.ts";

describe("resumable download", () => {
  it("resumes from a partial file left by an earlier run and refuses more bytes than announced", async () => {
    const root = await tempDir();
    const content = Buffer.from("0123456789".repeat(100));
    await writeFile(path.join(root, "blob.bin"), content);
    const server = await startArtifactServer(root);
    try {
      const dest = path.join(await tempDir(), "blob.bin");
      await writeFile(`${dest}.part`, content.subarray(0, 321));
      await downloadFile(`${server.url}/blob.bin`, dest, { bytes: content.length, attempts: 1 });
      expect(await readFile(dest)).toEqual(content);
      expect(server.requests.at(-1)?.range).toBe("bytes=321-");
      await expect(
        downloadFile(`${server.url}/blob.bin`, `${dest}2`, { bytes: 10, attempts: 3 }),
      ).rejects.toMatchObject({ code: "too_large" });
      await expect(
        downloadFile(`${server.url}/nope.bin`, `${dest}3`, { bytes: 10, attempts: 3 }),
      ).rejects.toMatchObject({ code: "download_failed", message: expect.stringMatching(/404/) });
      expect(server.requests.filter((r) => r.path === "/nope.bin")).toHaveLength(1); // a 404 is not retried
    } finally {
      await server.close();
    }
  });
});
