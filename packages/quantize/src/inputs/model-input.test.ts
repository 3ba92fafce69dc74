import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { zipSync } from "fflate";
import { initBackend } from "@fleet/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openModelInput } from "./model-input.ts";
import { quantizeModel } from "../pipeline/quantize-model.ts";
import { syntheticWorkspace, type SyntheticWorkspace } from "../testing/fixture-dirs.ts";

let ws: SyntheticWorkspace;

beforeAll(async () => {
  await initBackend();
  ws = await syntheticWorkspace({ inputShape: [8, 8, 1], samples: 16 });
});
afterAll(() => rmSync(ws.root, { recursive: true, force: true }));

describe("model input as an archive", () => {
  it("accepts a .tar.gz with the model in a folder", async () => {
    const archive = join(ws.root, "model.tar.gz");
    execFileSync("tar", ["-czf", archive, "-C", ws.root, "model"]);
    const report = await quantizeModel({
      input: archive,
      outDir: join(ws.root, "from-tar"),
      variants: ["fp16"],
      measure: false,
    });
    expect(report.variants[0]!.bytes.weights).toBeGreaterThan(0);
  });

  it("accepts a .zip with model.json at its root, and removes the extraction afterwards", async () => {
    const files = Object.fromEntries(
      readdirSync(ws.model).map((f) => [f, new Uint8Array(readFileSync(join(ws.model, f)))]),
    );
    const archive = join(ws.root, "model.zip");
    writeFileSync(archive, zipSync(files));
    const opened = await openModelInput(archive);
    expect(readdirSync(opened.dir)).toContain("model.json");
    await opened.cleanup();
    expect(() => readdirSync(opened.dir)).toThrow();
  });

  it("names an archive that is not one", async () => {
    const archive = join(ws.root, "broken.zip");
    writeFileSync(archive, "this is not a zip");
    await expect(openModelInput(archive)).rejects.toThrow(/broken\.zip: not a readable zip archive/);
  });
});
