import { createHash, createPublicKey, verify } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { quantizeModel } from "@fleet/quantize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCallerHarness, type TCallerHarness } from "../../testing/callers.ts";
import { MNIST_MODEL_DIR } from "../../testing/mnist-fixture.ts";
import { getArtifactStore } from "../artifacts/artifact-store.ts";
import { getSigningKey, getUrlSigningKey } from "../artifacts/keys.ts";
import { artifactToken, signedVariantUrl } from "../artifacts/signed-url.ts";
import { storeQuantizedVariants } from "../domain/models/store-variants.ts";
import { artifactResponse, parseRange } from "./artifact-response.ts";

let h: TCallerHarness;
let scratch: string;
let variantId: string;
let shard: Buffer;
let urlKey: Buffer;

beforeAll(async () => {
  h = await createCallerHarness();
  scratch = await mkdtemp(path.join(os.tmpdir(), "fleet-console-artifacts-"));
  const report = await quantizeModel({
    input: MNIST_MODEL_DIR,
    outDir: scratch,
    variants: ["int8-channel"],
    measure: false,
  });
  const model = await h.db.prisma.model.create({
    data: {
      id: "martifacts1",
      name: "mnist",
      format: "tfjs-layers",
      inputShape: [null, 28, 28, 1],
      sourceSha256: "0".repeat(64),
      sourceBytes: 1,
      status: "READY",
    },
  });
  const [row] = await storeQuantizedVariants({
    prisma: h.db.prisma,
    store: getArtifactStore(h.config.dataDir),
    key: await getSigningKey(h.config.dataDir),
    modelId: model.id,
    outDir: scratch,
    report,
  });
  variantId = row!.id;
  shard = await readFile(path.join(scratch, "int8-channel", "group1-shard1of1.bin"));
  urlKey = await getUrlSigningKey(h.config.dataDir);
}, 120_000);
afterAll(async () => {
  await h?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const now = 1_900_000_000;
async function get(
  file: string[],
  query: { exp?: number; sig?: string; variant?: string } = {},
  headers: Record<string, string> = {},
  method = "GET",
) {
  const exp = query.exp ?? now + 300;
  const sig = query.sig ?? artifactToken(urlKey, query.variant ?? variantId, exp);
  const request = new Request(
    `http://console.test/api/artifacts/${variantId}/${file.join("/")}?exp=${exp}&sig=${sig}`,
    { method, headers },
  );
  const response = await artifactResponse(
    request,
    { variantId, path: file },
    { prisma: h.db.prisma, store: getArtifactStore(h.config.dataDir), urlKey, nowSeconds: now },
  );
  return { response, body: method === "HEAD" ? Buffer.alloc(0) : Buffer.from(await response.arrayBuffer()) };
}

describe("artifact downloads", () => {
  it("serves the signed manifest and every file it lists, streamed, with their sha256 as ETag", async () => {
    const row = await h.db.prisma.modelVariant.findUniqueOrThrow({ where: { id: variantId } });
    const manifest = await get(["manifest.json"]);
    expect(manifest.response.status).toBe(200);
    expect(createHash("sha256").update(manifest.body).digest("hex")).toBe(row.sha256);
    const key = await getSigningKey(h.config.dataDir);
    expect(verify(null, manifest.body, createPublicKey(key.publicKeyPem), Buffer.from(row.signature, "base64"))).toBe(
      true,
    );
    const file = await get(["group1-shard1of1.bin"]);
    expect(file.response.status).toBe(200);
    expect(file.response.headers.get("accept-ranges")).toBe("bytes");
    expect(file.response.headers.get("content-length")).toBe(String(shard.length));
    expect(file.response.headers.get("etag")).toBe(`"${createHash("sha256").update(shard).digest("hex")}"`);
    expect(file.body.equals(shard)).toBe(true);
    const head = await get(["group1-shard1of1.bin"], {}, {}, "HEAD");
    expect(head.response.status).toBe(200);
    expect(head.response.headers.get("content-length")).toBe(String(shard.length));
  });

  it("answers byte ranges with 206 and a resumed download reassembles the file", async () => {
    const first = await get(["group1-shard1of1.bin"], {}, { range: "bytes=0-999" });
    expect(first.response.status).toBe(206);
    expect(first.response.headers.get("content-range")).toBe(`bytes 0-999/${shard.length}`);
    expect(first.response.headers.get("content-length")).toBe("1000");
    const rest = await get(["group1-shard1of1.bin"], {}, { range: "bytes=1000-" });
    expect(rest.response.status).toBe(206);
    expect(Buffer.concat([first.body, rest.body]).equals(shard)).toBe(true);
    const tail = await get(["group1-shard1of1.bin"], {}, { range: "bytes=-10" });
    expect(tail.body.equals(shard.subarray(shard.length - 10))).toBe(true);
    const beyond = await get(["group1-shard1of1.bin"], {}, { range: `bytes=${shard.length}-` });
    expect(beyond.response.status).toBe(416);
    expect(beyond.response.headers.get("content-range")).toBe(`bytes */${shard.length}`);
    const multi = await get(["group1-shard1of1.bin"], {}, { range: "bytes=0-1,5-6" });
    expect(multi.response.status).toBe(200);
  });

  it("refuses a wrong, foreign, missing or expired token with 403", async () => {
    const exp = now + 300;
    const good = artifactToken(urlKey, variantId, exp);
    const flipped = `${good.slice(0, -2)}${good.endsWith("AA") ? "BB" : "AA"}`;
    for (const query of [{ sig: flipped }, { variant: "someothervariant" }, { exp: exp + 1, sig: good }, { sig: "" }]) {
      const { response, body } = await get(["manifest.json"], query);
      expect(response.status).toBe(403);
      expect(body.toString()).toContain("not valid");
    }
    const expired = await get(["manifest.json"], { exp: now - 1 });
    expect(expired.response.status).toBe(403);
    expect(expired.body.toString()).toContain("expired");
  });

  it("refuses traversal and unlisted files with 404, even with a valid token", async () => {
    for (const file of [
      ["..", "..", "keys", "url-hmac.key"],
      ["a/../../b"],
      ["."],
      ["model.json", ".."],
      ["owner.json"],
      [],
    ]) {
      expect((await get(file)).response.status).toBe(404);
    }
  });

  it("signedVariantUrl builds the URL the agent uses; its query string opens every file of the variant", async () => {
    const url = new URL(
      await signedVariantUrl(variantId, 60, {
        config: { ...h.config, host: "0.0.0.0", port: 3123, publicUrl: null },
        now: now * 1000,
      }),
    );
    expect(url.origin + url.pathname).toBe(`http://localhost:3123/api/artifacts/${variantId}/manifest.json`);
    expect(url.searchParams.get("exp")).toBe(String(now + 60));
    const fileUrl = new URL("group1-shard1of1.bin", url);
    fileUrl.search = url.search; // what the agent does
    const request = new Request(fileUrl);
    const response = await artifactResponse(
      request,
      { variantId, path: ["group1-shard1of1.bin"] },
      { prisma: h.db.prisma, store: getArtifactStore(h.config.dataDir), urlKey, nowSeconds: now },
    );
    expect(response.status).toBe(200);
    await response.body?.cancel();
    expect(
      await signedVariantUrl(variantId, 60, { config: { ...h.config, publicUrl: "https://fleet.example.com/" } }),
    ).toMatch(/^https:\/\/fleet\.example\.com\/api\/artifacts\//);
  });
});

describe("parseRange", () => {
  it("reads single byte ranges and ignores what it may ignore", () => {
    expect(parseRange(null, 100)).toEqual({ kind: "full" });
    expect(parseRange("bytes=0-9", 100)).toEqual({ kind: "range", range: { start: 0, end: 9 } });
    expect(parseRange("bytes=90-200", 100)).toEqual({ kind: "range", range: { start: 90, end: 99 } });
    expect(parseRange("bytes=-200", 100)).toEqual({ kind: "range", range: { start: 0, end: 99 } });
    expect(parseRange("bytes=100-", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=-0", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=9-3", 100)).toEqual({ kind: "full" });
    expect(parseRange("items=0-1", 100)).toEqual({ kind: "full" });
  });
});
