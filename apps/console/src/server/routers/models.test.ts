// Models end to end below HTTP: staged upload → validation → background quantization (a real worker
// running @fleet/quantize on the MNIST reference model) → signed variants in the artifact store.
import { createPublicKey, verify } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile, copyFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { parseManifest } from "@fleet/runtime";
import { strToU8, zipSync } from "fflate";
import * as tar from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCallerHarness, trpcError, type TCallerHarness } from "../../testing/callers.ts";
import { MNIST_MODEL_FILES, writeMnistValidation } from "../../testing/mnist-fixture.ts";
import { getArtifactStore } from "../artifacts/artifact-store.ts";
import { startQuantizeRunner, type TQuantizeRunner } from "../jobs/quantize-runner.ts";
import { modelPaths } from "../models/model-paths.ts";
import { receiveUploadFile, UploadError } from "../models/upload-staging.ts";
import { silentLogger } from "@fleet/log";

let h: TCallerHarness;
let operator: Awaited<ReturnType<TCallerHarness["callerAs"]>>;
let viewer: Awaited<ReturnType<TCallerHarness["callerAs"]>>;
let runner: TQuantizeRunner;
let scratch: string;
let valFiles: { x: string; y: string };

beforeAll(async () => {
  h = await createCallerHarness();
  operator = await h.callerAs("OPERATOR");
  viewer = await h.callerAs("VIEWER");
  scratch = await mkdtemp(path.join(os.tmpdir(), "fleet-console-models-"));
  valFiles = await writeMnistValidation(path.join(scratch, "val"), 10);
  runner = startQuantizeRunner({
    prisma: h.db.prisma,
    dataDir: h.config.dataDir,
    latencyRuns: 3,
    pollMs: 200,
    progressEveryMs: 0,
    logger: silentLogger,
  });
});
afterAll(async () => {
  await runner?.stop();
  await h?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function stage(uploadId: string, slot: string, file: string, name = path.basename(file)) {
  return receiveUploadFile({
    dataDir: h.config.dataDir,
    uploadId,
    userId: operator.user.id,
    slot,
    name,
    body: createReadStream(file),
    contentLength: (await stat(file)).size,
    maxBytes: h.config.uploadMaxMb * 1024 * 1024,
  });
}

/** Stages `files` in a new upload and asks to create a model from it. */
async function upload(files: Array<[slot: string, file: string]>, name = "MNIST CNN") {
  const { uploadId } = await operator.caller.models.startUpload();
  for (const [slot, file] of files) await stage(uploadId, slot, file);
  return { uploadId, create: operator.caller.models.create({ uploadId, name }) };
}

async function nothingStored(uploadId: string) {
  expect(existsSync(path.join(h.config.dataDir, "uploads", uploadId))).toBe(false);
  const models = await readdir(path.join(h.config.dataDir, "models")).catch(() => []);
  const rows = await h.db.prisma.model.findMany({ select: { id: true } });
  expect(models.sort()).toEqual(rows.map((r) => r.id).sort());
}

describe("model upload and quantization", () => {
  it("a viewer may neither start an upload nor create a model", async () => {
    expect((await trpcError(viewer.caller.models.startUpload())).code).toBe("FORBIDDEN");
    expect((await trpcError(viewer.caller.models.create({ uploadId: "0".repeat(32), name: "x" }))).code).toBe(
      "FORBIDDEN",
    );
  });

  let modelId = "";
  it("quantizes the MNIST reference model in the background: variants stored, signed and reported", async () => {
    const { create } = await upload([
      ["model", MNIST_MODEL_FILES[0]!],
      ["model", MNIST_MODEL_FILES[1]!],
      ["val", valFiles.x],
      ["val", valFiles.y],
    ]);
    const created = await create;
    modelId = created.id;
    expect(created).toMatchObject({
      status: "UPLOADED",
      format: "tfjs-layers",
      validation: { samples: 100 },
      calibration: null,
    });
    await runner.idle();
    const model = await viewer.caller.models.get({ id: modelId });
    expect(model.status).toBe("READY");
    expect(model.progress).toBe(1);
    expect(model.inputShape).toEqual([null, 28, 28, 1]);
    expect(model.variants.map((v) => v.name).sort()).toEqual([
      "fp16",
      "fp32",
      "int4-group",
      "int8-channel",
      "mixed",
      "onnx-fp16",
      "onnx-fp32",
      "onnx-int8",
      "uint8-tensor",
    ]);
    // Each variant is stored with the engine its signed manifest names and its kind's precision.
    expect(Object.fromEntries(model.variants.map((v) => [v.name, `${v.engine} ${v.precision}`]))).toEqual({
      fp32: "tfjs fp32",
      fp16: "tfjs fp16",
      "uint8-tensor": "tfjs uint8",
      "int8-channel": "tfjs int8",
      "int4-group": "tfjs int4",
      mixed: "tfjs mixed",
      "onnx-fp32": "onnx fp32",
      "onnx-fp16": "onnx fp16",
      "onnx-int8": "onnx int8",
    });
    expect(model.report?.data.validation?.samples).toBe(100);

    const { base64 } = await viewer.caller.keys.publicKey();
    const publicKey = createPublicKey({
      key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), Buffer.from(base64, "base64")]),
      format: "der",
      type: "spki",
    });
    const store = getArtifactStore(h.config.dataDir);
    for (const variant of model.variants) {
      const row = await h.db.prisma.modelVariant.findUniqueOrThrow({ where: { id: variant.id } });
      const manifestBytes = await store.read(row.artifactKey);
      expect(row.sha256).toBe(row.artifactKey);
      expect(verify(null, manifestBytes, publicKey, Buffer.from(row.signature, "base64"))).toBe(true);
      const manifest = parseManifest(manifestBytes.toString("utf8"));
      expect(row.bytes).toBe(manifest.bytes);
      for (const file of manifest.files)
        expect(await store.stat(file.sha256)).toEqual({ sha256: file.sha256, bytes: file.bytes });
      expect(variant.accuracy).toEqual(expect.any(Number));
      expect(variant.agreement).toEqual(expect.any(Number));
      expect(variant.latency?.p95Ms).toEqual(expect.any(Number));
      expect(variant.ratio?.weights).toBeGreaterThan(0);
      expect(variant.layers.length).toBeGreaterThan(3);
      expect(row.layerPrecision).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: expect.any(String), precision: expect.any(String) })]),
      );
    }
    const fp32 = model.variants.find((v) => v.name === "fp32")!;
    expect(fp32.layers.every((layer) => layer.weightSqnrDb === null)).toBe(true); // exact
    const int4 = model.variants.find((v) => v.name === "int4-group")!;
    expect(int4.layers.some((layer) => typeof layer.weightSqnrDb === "number")).toBe(true);
    // The work directory is gone; the source stays for a re-run.
    expect(existsSync(modelPaths(h.config.dataDir, modelId).work)).toBe(false);
    expect(existsSync(modelPaths(h.config.dataDir, modelId).model)).toBe(true);
    const audit = await h.db.prisma.auditEvent.findMany({
      where: { entityType: "model", entityId: modelId },
      orderBy: { ts: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual(["model.upload", "model.quantized"]);
  });

  it("the model page says which variant each hardware profile gets, and why", async () => {
    await operator.caller.profiles.create({
      name: "Tiny wearables",
      maxModelBytes: 25_000,
      rules: { classes: ["wearable"] },
    });
    await operator.caller.profiles.create({ name: "Gateways", rules: { classes: ["gateway"] } });
    const model = await viewer.caller.models.get({ id: modelId });
    const tiny = model.choices.find((c) => c.profileName === "Tiny wearables")!;
    expect(["int4-group", "mixed"]).toContain(tiny.variant?.name);
    expect(tiny.reason).toMatch(/^Chose (int4-group|mixed) \(/);
    expect(tiny.excluded.map((e) => e.name).sort()).toEqual([
      "fp16",
      "fp32",
      "int8-channel",
      "onnx-fp16",
      "onnx-fp32",
      "onnx-int8",
      "uint8-tensor",
    ]);
    expect(model.choices.find((c) => c.profileName === "Gateways")?.variant).not.toBeNull();
    expect(model.variants.find((v) => v.id === tiny.variant?.id)?.chosenFor).toContain("Tiny wearables");

    // A profile preferring onnx gets its int8 variant; the explanation names the engine.
    await operator.caller.profiles.create({
      name: "ONNX int8",
      priority: 300,
      allowedPrecisions: ["int8"],
      preferredEngine: "onnx",
    });
    await operator.caller.profiles.create({
      name: "TF.js int8",
      priority: 301,
      allowedPrecisions: ["int8"],
      allowedEngines: ["tfjs"],
    });
    const again = await viewer.caller.models.get({ id: modelId });
    const onnx = again.choices.find((c) => c.profileName === "ONNX int8")!;
    expect(onnx.variant?.name).toBe("onnx-int8");
    expect(onnx.reason).toMatch(/^Chose onnx-int8 \(int8, onnx, .*onnx is the preferred engine/);
    expect(onnx.reason).toContain(
      "Devices that do not report onnx among their engines get the best variant of an engine they run.",
    );
    const tfjs = again.choices.find((c) => c.profileName === "TF.js int8")!;
    expect(tfjs.variant?.name).toBe("int8-channel");
    expect(tfjs.excluded).toContainEqual({ id: expect.any(String), name: "onnx-int8", why: "engine onnx not allowed" });
  });

  it("an upload of an archive (tar.gz holding a folder) works like loose files", async () => {
    const dir = path.join(scratch, "archive-src", "mnist");
    await mkdir(dir, { recursive: true });
    for (const file of MNIST_MODEL_FILES) await copyFile(file, path.join(dir, path.basename(file)));
    const archive = path.join(scratch, "mnist.tar.gz");
    await tar.c({ gzip: true, file: archive, cwd: path.join(scratch, "archive-src") }, ["mnist"]);
    const created = await (await upload([["model", archive]], "MNIST from tar")).create;
    expect(created.format).toBe("tfjs-layers");
    const zip = path.join(scratch, "mnist.zip");
    await writeFile(
      zip,
      zipSync({
        "model.json": new Uint8Array(await import("node:fs/promises").then((fs) => fs.readFile(MNIST_MODEL_FILES[0]!))),
        "group1-shard1of1.bin": new Uint8Array(
          await import("node:fs/promises").then((fs) => fs.readFile(MNIST_MODEL_FILES[1]!)),
        ),
      }),
    );
    expect((await (await upload([["model", zip]], "MNIST from zip")).create).sourceSha256).toBe(created.sourceSha256);
    await runner.idle();
  });
});

describe("bad uploads are refused with a clear message and store nothing", () => {
  const refusal = async (files: Array<[string, string]>) => {
    const { uploadId, create } = await upload(files);
    const error = await trpcError(create);
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).not.toMatch(/\n\s+at |\/tmp\//);
    await nothingStored(uploadId);
    return error.message;
  };

  it("a file that is not a model", async () => {
    const file = path.join(scratch, "holiday.png");
    await writeFile(file, Buffer.from("89504e470d0a1a0a", "hex"));
    expect(await refusal([["model", file]])).toBe(
      "holiday.png: not a TF.js model. Upload model.json with its weight files, or a .zip/.tar/.tar.gz archive of them. Nothing was stored.",
    );
    const json = path.join(scratch, "json", "model.json");
    await mkdir(path.dirname(json), { recursive: true });
    await writeFile(json, JSON.stringify({ hello: "world" }));
    expect(await refusal([["model", json]])).toMatch(
      /^model\.json is not a TF\.js model \(.+\)\. Nothing was stored\.$/,
    );
  });

  it("a model whose weight file is missing or short", async () => {
    expect(await refusal([["model", MNIST_MODEL_FILES[0]!]])).toMatch(/group1-shard1of1\.bin.*Nothing was stored\.$/);
  });

  it("a corrupt archive", async () => {
    const zip = path.join(scratch, "broken.zip");
    await writeFile(zip, Buffer.concat([Buffer.from("PK\x03\x04"), Buffer.alloc(64, 7)]));
    expect(await refusal([["model", zip]])).toMatch(
      /^broken\.zip is not a readable zip archive \(.+\)\. Nothing was stored\.$/,
    );
    const tgz = path.join(scratch, "broken.tar.gz");
    await writeFile(tgz, Buffer.alloc(300, 1));
    expect(await refusal([["model", tgz]])).toMatch(
      /^broken\.tar\.gz (is not a readable tar archive|is empty or not a tar archive)/,
    );
  });

  it("an archive entry that climbs out with ../ (zip and tar)", async () => {
    const zip = path.join(scratch, "evil.zip");
    await writeFile(zip, zipSync({ "model.json": strToU8("{}"), "../../evil.sh": strToU8("echo owned") }));
    expect(await refusal([["model", zip]])).toBe(
      'evil.zip: entry "../../evil.sh" leaves the archive (path traversal). Nothing was stored.',
    );
    const inner = path.join(scratch, "tar-src", "inner");
    await mkdir(inner, { recursive: true });
    await writeFile(path.join(scratch, "tar-src", "evil.sh"), "echo owned");
    const evilTar = path.join(scratch, "evil.tar");
    await tar.c({ file: evilTar, cwd: inner, preservePaths: true }, ["../evil.sh"]);
    expect(await refusal([["model", evilTar]])).toBe(
      'evil.tar: entry "../evil.sh" leaves the archive (path traversal). Nothing was stored.',
    );
    expect(existsSync(path.join(h.config.dataDir, "evil.sh"))).toBe(false);
  });

  it("validation data that does not fit the model", async () => {
    const bad = path.join(scratch, "badval");
    await mkdir(bad, { recursive: true });
    const { encodeNpy } = await import("@fleet/quantize");
    await writeFile(path.join(bad, "x.npy"), encodeNpy(new Float32Array(2 * 5), [2, 5]));
    await writeFile(path.join(bad, "y.npy"), encodeNpy(new Int32Array(2), [2]));
    const message = await refusal([
      ["model", MNIST_MODEL_FILES[0]!],
      ["model", MNIST_MODEL_FILES[1]!],
      ["val", path.join(bad, "x.npy")],
      ["val", path.join(bad, "y.npy")],
    ]);
    expect(message).toBe("validation x.npy: samples are [5], the model input is [28, 28, 1]. Nothing was stored.");
  });

  it("an oversized file: refused by its declared length, or while streaming when it lies", async () => {
    const { uploadId } = await operator.caller.models.startUpload();
    const base = {
      dataDir: h.config.dataDir,
      uploadId,
      userId: operator.user.id,
      slot: "model",
      name: "model.json",
      maxBytes: 1000,
    };
    const declared = await receiveUploadFile({
      ...base,
      body: Readable.from([Buffer.alloc(10)]),
      contentLength: 5000,
    }).catch((e: unknown) => e);
    expect(declared).toBeInstanceOf(UploadError);
    expect((declared as UploadError).status).toBe(413);
    expect((declared as UploadError).message).toMatch(
      /larger than the limit of 0 MB \(CONSOLE_UPLOAD_MAX_MB\); nothing was stored\.$/,
    );
    const streamed = await receiveUploadFile({
      ...base,
      body: Readable.from([Buffer.alloc(600), Buffer.alloc(600)]),
      contentLength: null,
    }).catch((e: unknown) => e);
    expect((streamed as UploadError).status).toBe(413);
    expect(await readdir(path.join(h.config.dataDir, "uploads", uploadId, "model"))).toEqual([]);
  });

  it("path names in the upload URL: traversal, other operators' uploads", async () => {
    const { uploadId } = await operator.caller.models.startUpload();
    const base = {
      dataDir: h.config.dataDir,
      uploadId,
      userId: operator.user.id,
      slot: "model",
      body: Readable.from([Buffer.alloc(1)]),
      contentLength: 1,
      maxBytes: 1000,
    };
    for (const name of ["../owner.json", "..", "a/b.json", ".hidden"]) {
      expect(((await receiveUploadFile({ ...base, name }).catch((e: unknown) => e)) as UploadError).status).toBe(400);
    }
    expect(
      ((await receiveUploadFile({ ...base, name: "x.bin", slot: "../model" }).catch((e: unknown) => e)) as UploadError)
        .status,
    ).toBe(400);
    expect(
      (
        (await receiveUploadFile({ ...base, name: "x.bin", userId: viewer.user.id }).catch(
          (e: unknown) => e,
        )) as UploadError
      ).status,
    ).toBe(403);
    expect(
      (
        (await receiveUploadFile({ ...base, name: "x.bin", uploadId: "../../keys" }).catch(
          (e: unknown) => e,
        )) as UploadError
      ).status,
    ).toBe(404);
  });
});

describe("job runner restarts", () => {
  it("re-runs a job a stopped process left QUANTIZING; a job without its source is marked FAILED", async () => {
    const ready = await h.db.prisma.model.findFirstOrThrow({ where: { status: "READY" }, select: { id: true } });
    await runner.stop();
    await h.db.prisma.model.update({ where: { id: ready.id }, data: { status: "QUANTIZING", progress: 0.4 } });
    const orphan = await h.db.prisma.model.create({
      data: {
        id: "morphan1",
        name: "orphan",
        format: "tfjs-layers",
        inputShape: [],
        sourceSha256: "0".repeat(64),
        sourceBytes: 1,
        status: "QUANTIZING",
      },
    });
    runner = startQuantizeRunner({
      prisma: h.db.prisma,
      dataDir: h.config.dataDir,
      measure: false,
      pollMs: 200,
      logger: silentLogger,
    });
    await runner.idle();
    await expect
      .poll(async () => (await h.db.prisma.model.findUniqueOrThrow({ where: { id: ready.id } })).status, {
        timeout: 60_000,
      })
      .toBe("READY");
    const failed = await h.db.prisma.model.findUniqueOrThrow({ where: { id: orphan.id } });
    expect(failed.status).toBe("FAILED");
    expect(failed.error).toBe("the uploaded model files are missing from the data directory; upload the model again");
  });
});
