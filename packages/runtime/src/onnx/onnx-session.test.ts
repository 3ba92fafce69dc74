// The onnx engine against the tfjs engine: the reference MNIST CNN exported to fp32 ONNX
// (fixtures/mnist-cnn.onnx, written by packages/quantize/scripts/export-runtime-onnx-fixture.ts)
// must give the TF.js outputs within 1e-4; bad models and bad inputs are RuntimeErrors.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend.ts";
import { loadVariant, type LoadedModel } from "../load-variant.ts";
import { openOnnxSession, type OnnxSession } from "./onnx-session.ts";
import { seededRandom } from "../seeded-random.ts";
import { expectCode } from "../testing/expect-code.ts";

const ONNX_FIXTURE = join(import.meta.dirname, "..", "..", "fixtures", "mnist-cnn.onnx");
// the TF.js original the fixture was exported from (read as files; the runtime does not import @fleet/quantize)
const TFJS_FIXTURE = join(import.meta.dirname, "..", "..", "..", "quantize", "fixtures", "mnist-cnn");
const SAMPLES = 50;
const PIXELS = 28 * 28;

/** digit-like inputs in [0, 1]: a few bright strokes on a dark background, plus some pure noise */
function inputs(count: number): Float32Array {
  const random = seededRandom(20261129); // same inputs on every run
  const x = new Float32Array(count * PIXELS);
  for (let n = 0; n < count; n++) {
    const image = x.subarray(n * PIXELS, (n + 1) * PIXELS);
    if (n % 5 === 4) {
      for (let i = 0; i < PIXELS; i++) image[i] = random();
      continue;
    }
    for (let stroke = 0; stroke < 3; stroke++) {
      let [r, c] = [4 + random() * 20, 4 + random() * 20];
      const [dr, dc] = [random() * 2 - 1, random() * 2 - 1];
      for (let step = 0; step < 14; step++, r += dr, c += dc) {
        for (let i = -1; i <= 1; i++)
          for (let j = -1; j <= 1; j++) {
            const [rr, cc] = [Math.round(r) + i, Math.round(c) + j];
            if (rr >= 0 && rr < 28 && cc >= 0 && cc < 28)
              image[rr * 28 + cc] = Math.max(image[rr * 28 + cc]!, i === 0 && j === 0 ? 1 : 0.6);
          }
      }
    }
  }
  return x;
}

let tfjs: LoadedModel;
let onnx: OnnxSession;

beforeAll(async () => {
  await initBackend();
  tfjs = await loadVariant(TFJS_FIXTURE, { requireManifest: false });
  onnx = await openOnnxSession(ONNX_FIXTURE);
});
afterAll(async () => {
  tfjs?.dispose();
  await onnx?.dispose();
});

describe("onnx engine", () => {
  it("takes the same input shape as the TF.js model", () => {
    expect(onnx.inputShape).toEqual([null, 28, 28, 1]);
    expect(tfjs.inputShape).toEqual(onnx.inputShape);
  });

  it(`matches TF.js within 1e-4 on ${SAMPLES} inputs (batch ${SAMPLES} and batch 1)`, async () => {
    const x = inputs(SAMPLES);
    const expected = tfjs.predict(x, SAMPLES);
    const actual = await onnx.predict(x, SAMPLES);
    expect(actual.shape).toEqual(expected.shape);
    expect(actual.shape).toEqual([SAMPLES, 10]);
    let max = 0;
    for (let i = 0; i < expected.data.length; i++) max = Math.max(max, Math.abs(actual.data[i]! - expected.data[i]!));
    expect(max).toBeLessThanOrEqual(1e-4);
    // the inputs are not degenerate: the model gives more than one class
    const classes = new Set<number>();
    for (let n = 0; n < SAMPLES; n++) {
      const row = Array.from(expected.data.subarray(n * 10, (n + 1) * 10));
      classes.add(row.indexOf(Math.max(...row)));
    }
    expect(classes.size).toBeGreaterThan(1);
    // batch 1 gives the same rows as the batch
    for (const n of [0, 17, SAMPLES - 1]) {
      const one = await onnx.predict(x.slice(n * PIXELS, (n + 1) * PIXELS), 1);
      expect(one.shape).toEqual([1, 10]);
      one.data.forEach((v, i) => expect(Math.abs(v - actual.data[n * 10 + i]!)).toBeLessThanOrEqual(1e-5));
    }
  });

  it("loads from bytes with threads: 1 and gives the same outputs", async () => {
    const single = await openOnnxSession(readFileSync(ONNX_FIXTURE), { threads: 1 });
    try {
      const x = inputs(4);
      const [a, b] = [await single.predict(x, 4), await onnx.predict(x, 4)];
      a.data.forEach((v, i) => expect(Math.abs(v - b.data[i]!)).toBeLessThanOrEqual(1e-5));
      const latency = await single.measureLatency(5, 1);
      expect(latency.runs).toBe(5);
      expect(latency.p95Ms).toBeGreaterThanOrEqual(latency.medianMs);
      expect(single.memory().rssMB).toBeGreaterThan(0);
      expect(single.loadMs).toBeGreaterThan(0);
    } finally {
      await single.dispose();
    }
  });

  it("refuses a corrupt .onnx file with a RuntimeError", async () => {
    const bytes = new Uint8Array(readFileSync(ONNX_FIXTURE));
    const truncated = bytes.slice(0, 5000);
    await expectCode(openOnnxSession(truncated), "MODEL_INVALID", "not a valid ONNX model");
    const garbage = new Uint8Array(4096).map((_, i) => (i * 131 + 7) & 0xff);
    await expectCode(openOnnxSession(garbage), "MODEL_INVALID", "not a valid ONNX model");
    await expectCode(
      openOnnxSession(join(import.meta.dirname, "no-such-model.onnx")),
      "FILE_MISSING",
      "no-such-model.onnx",
    );
  });

  it("refuses an input of the wrong size with a RuntimeError", async () => {
    await expectCode(onnx.predict(new Float32Array(PIXELS - 1), 1), "INPUT_INVALID", "needs 784");
    await expectCode(onnx.predict(new Float32Array(PIXELS * 2), 1), "INPUT_INVALID", "needs 784");
    await expectCode(onnx.predict(new Float32Array(PIXELS * 3), 2), "INPUT_INVALID", "needs 1568");
    await expectCode(onnx.predict(new Float32Array(PIXELS), 0), "INPUT_INVALID", "positive integer");
    // the model still works after a refused input
    expect((await onnx.predict(new Float32Array(PIXELS), 1)).shape).toEqual([1, 10]);
  });

  it("rejects a bad thread count", async () => {
    await expectCode(openOnnxSession(ONNX_FIXTURE, { threads: 0 }), "UNSUPPORTED", "threads");
  });
});
