// openVariant: one entry point for both engines. Onnx variants are verified like tfjs ones (hashes,
// declared shapes, self-test), and every refusal is a RuntimeError naming what is wrong.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "./backend.ts";
import { openVariant } from "./open-variant.ts";
import { expectCode } from "./testing/expect-code.ts";
import { goldenDigits, writeOnnxVariant } from "./testing/onnx-variant.ts";
import { TINY_INPUT, writeTinyVariant } from "./testing/tiny-variant.ts";
import { sha256Hex } from "./verify-files.ts";

let root: string;
let n = 0;
const fresh = () => join(root, `v${n++}`);

beforeAll(async () => {
  await initBackend(); // the tiny tfjs variant is built with TF.js layers
  root = mkdtempSync(join(tmpdir(), "fleet-open-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("openVariant", () => {
  it("opens an onnx variant on ONNX Runtime, self-tests it and runs batches", async () => {
    const dir = fresh();
    await writeOnnxVariant(dir);
    const runner = await openVariant(dir, { threads: 1 });
    try {
      expect(runner.engine).toBe("onnx");
      expect(runner.inputShape).toEqual([null, 28, 28, 1]);
      expect(runner.describe()).toContain("onnxruntime");
      expect((await runner.selfTest()).passed).toBe(true);
      const { data, shape } = await runner.run(goldenDigits(), 2);
      expect(shape).toEqual([2, 10]);
      for (let row = 0; row < 2; row++)
        expect(data.subarray(row * 10, row * 10 + 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      const latency = await runner.measureLatency(3, 1);
      expect(latency.runs).toBe(3);
      expect(runner.memory().modelMB).toBeGreaterThan(0);
    } finally {
      await runner.dispose();
    }
  });

  it("opens the committed onnx-int8 variant of the MNIST CNN (written by the quantize pipeline) and passes its self-test", async () => {
    const runner = await openVariant(join(import.meta.dirname, "..", "fixtures", "mnist-cnn-onnx-int8"), {
      threads: 1,
    });
    try {
      expect(runner.manifest).toMatchObject({ engine: "onnx", variant: "onnx-int8", modelFormat: "onnx" });
      expect(runner.manifest!.layers.filter((l) => l.precision === "int8").map((l) => l.name)).toEqual(
        expect.arrayContaining(["conv1", "dense1", "logits"]),
      );
      expect((await runner.selfTest()).passed).toBe(true);
    } finally {
      await runner.dispose();
    }
  });

  it("opens the committed int8-channel variant of a TF.js graph model through the same interface", async () => {
    const runner = await openVariant(join(import.meta.dirname, "..", "fixtures", "graph-dense-int8-channel"));
    try {
      expect(runner.manifest).toMatchObject({ engine: "tfjs", variant: "int8-channel", modelFormat: "graph-model" });
      expect((await runner.selfTest()).passed).toBe(true);
    } finally {
      await runner.dispose();
    }
  });

  it("opens a tfjs variant through the same interface", async () => {
    const dir = fresh();
    const { expected } = await writeTinyVariant(dir);
    const runner = await openVariant(dir);
    try {
      expect(runner.engine).toBe("tfjs");
      const { data } = await runner.run(TINY_INPUT, 2);
      expect(Array.from(data)).toEqual(Array.from(expected));
      expect((await runner.selfTest()).passed).toBe(true);
    } finally {
      await runner.dispose();
    }
  });

  it("refuses a variant whose engine is not available, before loading it", async () => {
    const dir = fresh();
    await writeOnnxVariant(dir);
    await expectCode(
      openVariant(dir, { engines: ["tfjs"] }),
      "UNSUPPORTED",
      "onnx engine, which is not available here",
    );
  });

  it("refuses a corrupt model.onnx even when its hash is listed", async () => {
    const dir = fresh();
    await writeOnnxVariant(dir, (manifest) => {
      const garbage = Buffer.from("this is not a protobuf graph at all");
      writeFileSync(join(dir, "model.onnx"), garbage);
      manifest.files = [{ path: "model.onnx", bytes: garbage.byteLength, sha256: sha256Hex(garbage) }];
      manifest.bytes = garbage.byteLength;
    });
    await expectCode(openVariant(dir), "MODEL_INVALID", "not a valid ONNX model");
  });

  it("refuses a model.onnx that does not match its hash", async () => {
    const dir = fresh();
    await writeOnnxVariant(dir);
    const bytes = readFileSync(join(dir, "model.onnx"));
    bytes[bytes.length - 1] = bytes.at(-1)! ^ 0xff;
    writeFileSync(join(dir, "model.onnx"), bytes);
    await expectCode(openVariant(dir), "HASH_MISMATCH", "model.onnx");
  });

  it("refuses a graph whose input shape disagrees with the manifest", async () => {
    const dir = fresh();
    await writeOnnxVariant(dir, (manifest) => {
      manifest.input.shape = [null, 32, 32, 3];
    });
    await expectCode(openVariant(dir), "SHAPE_MISMATCH", "[null,32,32,3]");
  });

  it("refuses a graph whose output shape disagrees with the manifest", async () => {
    const dir = fresh();
    await writeOnnxVariant(dir, (manifest) => {
      manifest.output.shape = [null, 12];
    });
    await expectCode(openVariant(dir), "SHAPE_MISMATCH", 'output "output" is [null,12], model.onnx gives [null,10]');
  });

  it("refuses a variant whose self-test fails", async () => {
    const dir = fresh();
    await writeOnnxVariant(dir, (manifest) => {
      manifest.selfTest.output.base64 = Buffer.from(new Float32Array(20).fill(0.5).buffer).toString("base64");
    });
    await expectCode(openVariant(dir), "SELF_TEST_FAILED", "onnxruntime cpu");
  });

  it("refuses a manifest that pairs the onnx engine with a TF.js model format", async () => {
    const dir = fresh();
    await writeOnnxVariant(dir, (manifest) => {
      manifest.modelFormat = "layers-model";
    });
    await expectCode(openVariant(dir), "MANIFEST_INVALID", "engine onnx runs exactly the modelFormat onnx");
  });

  it("refuses wrong inputs at inference with clear errors and keeps working", async () => {
    const dir = fresh();
    await writeOnnxVariant(dir);
    const runner = await openVariant(dir, { threads: 1 });
    try {
      await expectCode(runner.run(new Float32Array(10), 1), "INPUT_INVALID", "needs 784");
      await expectCode(
        runner.run(new Float64Array(784) as unknown as Float32Array, 1),
        "INPUT_INVALID",
        "Float32Array",
      );
      await expectCode(runner.run(new Float32Array(784), 0), "INPUT_INVALID", "batch");
      expect((await runner.run(goldenDigits().subarray(0, 784), 1)).shape).toEqual([1, 10]);
    } finally {
      await runner.dispose();
    }
  });
});
