// Bad input gets a clear error naming the file, layer or tensor, and leaves no half-written variant.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initBackend } from "@fleet/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeNpy } from "../inputs/npy.ts";
import { quantizeModel } from "./quantize-model.ts";
import { syntheticWorkspace, type SyntheticWorkspace } from "../testing/fixture-dirs.ts";
import { writeVariantDir } from "./write-variant-dir.ts";

let ws: SyntheticWorkspace;
let n = 0;

beforeAll(async () => {
  await initBackend();
  ws = await syntheticWorkspace({ inputShape: [8, 8, 1], samples: 16 });
});
afterAll(() => rmSync(ws.root, { recursive: true, force: true }));

/** a copy of the model to damage */
function copyModel(): string {
  const dir = join(ws.root, `broken-${n++}`);
  cpSync(ws.model, dir, { recursive: true });
  return dir;
}

function editModelJson(dir: string, edit: (json: any) => void): void {
  const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
  edit(json);
  writeFileSync(join(dir, "model.json"), JSON.stringify(json));
}

async function failure(input: string, extra: { calibDir?: string } = {}): Promise<{ message: string; out: string }> {
  const out = join(ws.root, `out-${n++}`);
  try {
    await quantizeModel({ input, outDir: out, variants: ["fp16", "int8-channel"], measure: false, ...extra });
  } catch (error) {
    return { message: (error as Error).message, out };
  }
  throw new Error("expected quantizeModel to fail");
}

/** nothing of a variant (nor a temp dir) is left in the output */
function expectNoVariants(out: string): void {
  const left = existsSync(out) ? readdirSync(out) : [];
  expect(left.filter((f) => f !== "report.json")).toEqual([]);
}

describe("bad input", () => {
  it("truncated model.json", async () => {
    const dir = copyModel();
    truncateSync(join(dir, "model.json"), 100);
    const { message, out } = await failure(dir);
    expect(message).toMatch(/model\.json: not valid JSON/);
    expectNoVariants(out);
  });

  it("corrupt model.json (no weights manifest)", async () => {
    const dir = copyModel();
    editModelJson(dir, (json) => delete json.weightsManifest);
    expect((await failure(dir)).message).toMatch(/model\.json: weightsManifest/);
  });

  it("missing shard", async () => {
    const dir = copyModel();
    rmSync(join(dir, "group1-shard1of1.bin"));
    expect((await failure(dir)).message).toMatch(/group1-shard1of1\.bin: file is missing/);
  });

  it("short shard names the shard and the first tensor that does not fit", async () => {
    const dir = copyModel();
    truncateSync(join(dir, "group1-shard1of1.bin"), 64);
    expect((await failure(dir)).message).toMatch(/group1-shard1of1\.bin: shard is short: weight "stem\/kernel"/);
  });

  it("shapes that disagree with the topology", async () => {
    const dir = copyModel();
    editModelJson(dir, (json) => {
      const hidden = json.weightsManifest[0].weights.find((w: any) => w.name === "hidden/kernel");
      hidden.shape = [hidden.shape[1], hidden.shape[0]];
    });
    expect((await failure(dir)).message).toMatch(
      /weight "hidden\/kernel" is \[32, 256\] in the weights manifest, the layer needs \[256, 32\]/,
    );
  });

  it("NaN weights", async () => {
    const dir = copyModel();
    const shard = join(dir, "group1-shard1of1.bin");
    const bytes = readFileSync(shard);
    bytes.writeFloatLE(Number.NaN, 8); // inside stem/kernel, the first tensor
    writeFileSync(shard, bytes);
    expect((await failure(dir)).message).toMatch(/weight "stem\/kernel": element 2 is NaN/);
  });

  it("Inf weights", async () => {
    const dir = copyModel();
    const shard = join(dir, "group1-shard1of1.bin");
    const bytes = readFileSync(shard);
    bytes.writeFloatLE(Number.POSITIVE_INFINITY, bytes.byteLength - 4); // last bias of "out"
    writeFileSync(shard, bytes);
    expect((await failure(dir)).message).toMatch(/weight "out\/bias": element 9 is Infinity/);
  });

  it("unsupported layer", async () => {
    const dir = copyModel();
    editModelJson(dir, (json) => (json.modelTopology.config.layers[2].class_name = "FancyConv"));
    expect((await failure(dir)).message).toMatch(/layer class "FancyConv" is not supported/);
  });

  it("empty calibration set", async () => {
    const calib = mkdtempSync(join(tmpdir(), "fleet-empty-calib-"));
    writeFileSync(join(calib, "x.npy"), encodeNpy(new Float32Array(0), [0, 8, 8, 1]));
    const { message, out } = await failure(ws.model, { calibDir: calib });
    expect(message).toMatch(/x\.npy: the calibration set is empty/);
    expectNoVariants(out);
    rmSync(calib, { recursive: true, force: true });
  });

  it("calibration samples of the wrong shape", async () => {
    const calib = mkdtempSync(join(tmpdir(), "fleet-bad-calib-"));
    writeFileSync(join(calib, "x.npy"), encodeNpy(new Float32Array(2 * 28 * 28), [2, 28, 28, 1]));
    expect((await failure(ws.model, { calibDir: calib })).message).toMatch(
      /samples are \[28, 28, 1\], the model input is \[8, 8, 1\]/,
    );
    rmSync(calib, { recursive: true, force: true });
  });
});

describe("atomic output", () => {
  it("a variant that fails while being written leaves neither it nor its temp directory", async () => {
    const out = join(ws.root, "atomic");
    const target = join(out, "int8-channel");
    await expect(
      writeVariantDir(
        target,
        [
          { path: "model.json", bytes: new Uint8Array(4) },
          { path: "no/such/dir.bin", bytes: new Uint8Array(4) },
        ],
        {} as never,
      ),
    ).rejects.toThrow(/int8-channel: could not write the variant/);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(out)).toEqual([]);
  });

  it("rewriting a variant replaces it whole", async () => {
    const out = join(ws.root, "rewrite");
    await quantizeModel({ input: ws.model, outDir: out, variants: ["fp16"], measure: false });
    const first = readFileSync(join(out, "fp16", "manifest.json"), "utf8");
    await quantizeModel({ input: ws.model, outDir: out, variants: ["fp16"], measure: false });
    expect(readFileSync(join(out, "fp16", "manifest.json"), "utf8")).toBe(first); // deterministic, and whole
    expect(readdirSync(out).sort()).toEqual(["fp16", "report.json"]);
  });
});
