import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "./backend.ts";
import { loadVariant } from "./load-variant.ts";
import { encodeInlineTensor } from "./manifest.ts";
import { sha256Hex } from "./verify-files.ts";
import { expectCode } from "./testing/expect-code.ts";
import { TINY_INPUT, writeTinyVariant } from "./testing/tiny-variant.ts";

let root: string;
let counter = 0;
const fresh = () => join(root, `v${counter++}`);

/** rewrites model.json and re-hashes it in the manifest, so only the model content is wrong */
function rewriteModelJson(dir: string, edit: (json: Record<string, any>) => void): void {
  const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
  edit(json);
  const bytes = Buffer.from(JSON.stringify(json));
  writeFileSync(join(dir, "model.json"), bytes);
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  manifest.files[0] = { path: "model.json", bytes: bytes.byteLength, sha256: sha256Hex(bytes) };
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "fleet-runtime-test-"));
  await initBackend();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("loadVariant", () => {
  it("verifies, loads, passes its self-test and predicts like the original", async () => {
    const dir = fresh();
    const { expected } = await writeTinyVariant(dir);
    const loaded = await loadVariant(dir);
    expect(loaded.selfTest().passed).toBe(true);
    const out = loaded.predict(TINY_INPUT, 2);
    expect(out.shape).toEqual([2, 3]);
    Array.from(out.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    expect(loaded.measureLatency(5, 1).runs).toBe(5);
    expect(loaded.memory().modelMB).toBeGreaterThan(0);
    loaded.dispose();
  });

  it("loads a stock TF.js model without a manifest only when asked to", async () => {
    const dir = fresh();
    await writeTinyVariant(dir, { manifest: false });
    await expectCode(loadVariant(dir), "FILE_MISSING", "manifest.json");
    const loaded = await loadVariant(dir, { requireManifest: false });
    expect(loaded.manifest).toBeUndefined();
    loaded.dispose();
  });

  it("refuses a shard whose sha256 does not match", async () => {
    const dir = fresh();
    await writeTinyVariant(dir);
    const shard = join(dir, "group1-shard1of1.bin");
    const bytes = readFileSync(shard);
    bytes[0] = bytes[0]! ^ 0xff;
    writeFileSync(shard, bytes);
    await expectCode(loadVariant(dir), "HASH_MISMATCH", "group1-shard1of1.bin");
  });

  it("refuses a truncated shard, naming it", async () => {
    const dir = fresh();
    await writeTinyVariant(dir);
    truncateSync(join(dir, "group1-shard1of1.bin"), 20);
    await expectCode(loadVariant(dir), "FILE_SHORT", "group1-shard1of1.bin");
  });

  it("names the shard and tensor when a stock model's shard is short", async () => {
    const dir = fresh();
    await writeTinyVariant(dir, { manifest: false });
    truncateSync(join(dir, "group1-shard1of1.bin"), 100);
    await expectCode(
      loadVariant(dir, { requireManifest: false }),
      "FILE_SHORT",
      'group1-shard1of1.bin: shard is short: weight "hidden/bias"',
    );
  });

  it("refuses a missing shard", async () => {
    const dir = fresh();
    await writeTinyVariant(dir);
    rmSync(join(dir, "group1-shard1of1.bin"));
    await expectCode(loadVariant(dir), "FILE_MISSING", "group1-shard1of1.bin");
  });

  it("refuses a truncated model.json", async () => {
    const dir = fresh();
    await writeTinyVariant(dir, { manifest: false });
    truncateSync(join(dir, "model.json"), 40);
    await expectCode(loadVariant(dir, { requireManifest: false }), "MODEL_JSON_INVALID", "model.json: not valid JSON");
  });

  it("refuses weights whose shape disagrees with the layer", async () => {
    const dir = fresh();
    await writeTinyVariant(dir);
    rewriteModelJson(dir, (json) => {
      // same byte count (4*6 = 6*4) but the wrong shape for hidden/kernel
      json.weightsManifest[0].weights[0].shape = [6, 4];
    });
    await expectCode(loadVariant(dir), "SHAPE_MISMATCH", "hidden/kernel");
  });

  it("refuses an unsupported layer class, naming it", async () => {
    const dir = fresh();
    await writeTinyVariant(dir);
    rewriteModelJson(dir, (json) => {
      json.modelTopology.config.layers[1].class_name = "QuantumDense";
    });
    await expectCode(loadVariant(dir), "UNSUPPORTED", "QuantumDense");
  });

  it("refuses a model whose input shape disagrees with manifest.json", async () => {
    const dir = fresh();
    await writeTinyVariant(dir);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    manifest.input.shape = [null, 28, 28, 1];
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
    await expectCode(loadVariant(dir), "SHAPE_MISMATCH", "is [null,28,28,1], model.json takes [null,4]");
  });

  it("fails the self-test when the golden output does not match", async () => {
    const dir = fresh();
    const { expected } = await writeTinyVariant(dir);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    manifest.selfTest.output = encodeInlineTensor(
      expected.map((v) => v + 0.5),
      [2, 3],
    );
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
    await expectCode(loadVariant(dir), "SELF_TEST_FAILED", "self-test failed");
  });

  it("refuses input of the wrong size", async () => {
    const dir = fresh();
    await writeTinyVariant(dir);
    const loaded = await loadVariant(dir);
    expect(() => loaded.predict(new Float32Array(5), 1)).toThrow(/input holds 5 values/);
    loaded.dispose();
  });
});
