// Storing quantized variants: precision and engine of each ModelVariant row come from the variant kind
// and the signed manifest (an onnx variant is stored as engine onnx, never as TF.js).
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createTestDatabase, type TTestDatabase } from "@fleet/db/testing";
import type { TReport } from "@fleet/quantize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getArtifactStore } from "../../artifacts/artifact-store.ts";
import { getSigningKey } from "../../artifacts/keys.ts";
import { storeQuantizedVariants, VariantEngineMismatchError } from "./store-variants.ts";

let db: TTestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase({ kind: "pglite" });
  dir = await mkdtemp(path.join(os.tmpdir(), "fleet-console-store-variants-"));
});
afterAll(async () => {
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const tensor = {
  dtype: "float32" as const,
  shape: [1, 2],
  base64: Buffer.from(new Float32Array([0, 1]).buffer).toString("base64"),
};

/** A variant directory as fleet-quantize writes it for an onnx kind: model.onnx + manifest.json. */
async function writeOnnxVariant(outDir: string, kind: "onnx-fp32" | "onnx-fp16" | "onnx-int8"): Promise<void> {
  const variantDir = path.join(outDir, kind);
  await mkdir(variantDir, { recursive: true });
  const model = Buffer.from(`not a real onnx graph: ${kind}`);
  await writeFile(path.join(variantDir, "model.onnx"), model);
  const file = { path: "model.onnx", bytes: model.length, sha256: createHash("sha256").update(model).digest("hex") };
  const manifest = {
    formatVersion: 1,
    engine: "onnx",
    modelFormat: "onnx",
    variant: kind,
    createdBy: "test",
    entry: "model.onnx",
    files: [file],
    bytes: file.bytes,
    input: { name: "x", shape: [null, 2] },
    output: { name: "y", shape: [null, 2] },
    layers: [
      {
        name: "dense",
        op: "Dense",
        precision: kind === "onnx-int8" ? "int8" : kind.slice(5),
        weights: ["dense/kernel"],
      },
    ],
    selfTest: { input: tensor, output: tensor, tolerance: { absolute: 1e-4, relative: 0 } },
  };
  await writeFile(path.join(variantDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}

const reportOf = (entries: Array<{ variant: string; dir: string }>) =>
  ({ variants: entries.map((e) => ({ ...e, accuracy: 93.5 })) }) as unknown as TReport;

describe("storeQuantizedVariants", () => {
  it("stores onnx variants as engine onnx with their precision, signed like any other", async () => {
    const outDir = path.join(dir, "ok");
    for (const kind of ["onnx-fp32", "onnx-fp16", "onnx-int8"] as const) await writeOnnxVariant(outDir, kind);
    const model = await db.prisma.model.create({
      data: {
        name: "m",
        format: "tfjs-layers",
        inputShape: [2],
        sourceSha256: "0".repeat(64),
        sourceBytes: 1,
        status: "QUANTIZING",
      },
      select: { id: true },
    });
    const rows = await storeQuantizedVariants({
      prisma: db.prisma,
      store: getArtifactStore(dir),
      key: await getSigningKey(dir),
      modelId: model.id,
      outDir,
      report: reportOf(["onnx-fp32", "onnx-fp16", "onnx-int8"].map((kind) => ({ variant: kind, dir: kind }))),
    });
    expect(rows.map((row) => row.name)).toEqual(["onnx-fp32", "onnx-fp16", "onnx-int8"]);
    const stored = await db.prisma.modelVariant.findMany({
      where: { modelId: model.id },
      select: { name: true, precision: true, engine: true, signature: true },
      orderBy: { name: "asc" },
    });
    expect(stored.map(({ name, precision, engine }) => [name, precision, engine])).toEqual([
      ["onnx-fp16", "fp16", "onnx"],
      ["onnx-fp32", "fp32", "onnx"],
      ["onnx-int8", "int8", "onnx"],
    ]);
    expect(stored.every((row) => row.signature.length === 88)).toBe(true);
  });

  it("refuses a variant whose report kind and signed manifest disagree, naming both", async () => {
    const outDir = path.join(dir, "mismatch");
    await writeOnnxVariant(outDir, "onnx-int8");
    const model = await db.prisma.model.create({
      data: {
        name: "m2",
        format: "tfjs-layers",
        inputShape: [2],
        sourceSha256: "0".repeat(64),
        sourceBytes: 1,
        status: "QUANTIZING",
      },
      select: { id: true },
    });
    const attempt = storeQuantizedVariants({
      prisma: db.prisma,
      store: getArtifactStore(dir),
      key: await getSigningKey(dir),
      modelId: model.id,
      outDir,
      report: reportOf([{ variant: "int8-channel", dir: "onnx-int8" }]),
    });
    await expect(attempt).rejects.toThrow(VariantEngineMismatchError);
    await expect(attempt).rejects.toThrow(
      "onnx-int8: report.json says variant int8-channel but its manifest.json says onnx-int8 on engine onnx",
    );
    expect(await db.prisma.modelVariant.count({ where: { modelId: model.id } })).toBe(0);
  });
});
