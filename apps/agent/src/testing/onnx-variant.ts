// Test fixture: a variant of the onnx engine for the agent's tests, plus broken copies of it: the
// MNIST CNN's full-integer onnx-int8 variant as fleet-quantize wrote it (the agent may not import
// @fleet/quantize, so it is a committed fixture of the runtime), or its fp32 graph as an onnx-fp32
// variant whose golden output ONNX Runtime computes here (the runtime's own test helper).
import { createHash } from "node:crypto";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { TDesiredVariant, TPrecision } from "@fleet/protocol";
import { decodeInlineTensor, MANIFEST_FILE, parseManifest, type TManifest } from "@fleet/runtime";
import { precisionOf } from "@fleet/variants";
import { writeOnnxVariant } from "@fleet/runtime/testing";
import { desiredVariant, type TSigningKeys } from "./tiny-variant.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

const RUNTIME_FIXTURES = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@fleet/runtime")),
  "..",
  "fixtures",
);
/** Its onnx-int8 variant directory, written by packages/quantize/scripts/write-onnx-int8-fixture.ts. */
export const MNIST_ONNX_INT8 = path.join(RUNTIME_FIXTURES, "mnist-cnn-onnx-int8");

export interface TOnnxTestVariant {
  dir: string;
  manifest: TManifest;
  manifestBytes: Buffer;
  precision: TPrecision;
  /** the first example of the self-test input, flat */
  example: Float32Array;
  /** the model's output for `example` (the golden output), and how close a run must come */
  expected: Float32Array;
  tolerance: { absolute: number; relative: number };
}

export interface TOnnxVariantFaults {
  /** model.onnx replaced by its first half (hashes updated: it verifies, ONNX Runtime refuses it) */
  corruptModel?: boolean;
  /** the manifest declares this input shape instead of the graph's */
  manifestInputShape?: (number | null)[];
}

/**
 * Writes an onnx test variant (or a broken copy of it) into `dir`: by default the MNIST CNN's
 * full-integer onnx-int8 variant exactly as fleet-quantize wrote it (committed fixture), or the
 * fp32 graph with a manifest made here.
 */
export async function writeOnnxTestVariant(
  dir: string,
  faults: TOnnxVariantFaults = {},
  kind: "onnx-int8" | "onnx-fp32" = "onnx-int8",
): Promise<TOnnxTestVariant> {
  await mkdir(dir, { recursive: true });
  if (kind === "onnx-int8") await cp(MNIST_ONNX_INT8, dir, { recursive: true });
  else await writeOnnxVariant(dir);
  const manifest = parseManifest(await readFile(path.join(dir, MANIFEST_FILE), "utf8"));
  if (faults.corruptModel) {
    const entry = path.join(dir, manifest.entry);
    const whole = await readFile(entry);
    const half = whole.subarray(0, Math.floor(whole.length / 2));
    await writeFile(entry, half);
    manifest.files = manifest.files.map((f) =>
      f.path === manifest.entry ? { ...f, bytes: half.length, sha256: sha256(half) } : f,
    );
    manifest.bytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
  }
  if (faults.manifestInputShape) manifest.input.shape = faults.manifestInputShape;
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2));
  await writeFile(path.join(dir, MANIFEST_FILE), manifestBytes);

  const { input, output, tolerance } = manifest.selfTest;
  const inputs = decodeInlineTensor(input, "selfTest.input");
  const outputs = decodeInlineTensor(output, "selfTest.output");
  const batch = input.shape[0] ?? 1;
  return {
    dir,
    manifest,
    manifestBytes,
    precision: precisionOf(manifest.variant),
    example: inputs.slice(0, inputs.length / batch),
    expected: outputs.slice(0, outputs.length / batch),
    tolerance,
  };
}

/** The desired variant the console would publish for an onnx variant served at `manifestUrl`. */
export function onnxDesiredVariant(
  id: string,
  variant: TOnnxTestVariant,
  manifestUrl: string,
  keys: Pick<TSigningKeys, "privateKey">,
): TDesiredVariant {
  return {
    ...desiredVariant(id, variant.manifestBytes, manifestUrl, keys),
    modelId: "mnist",
    precision: variant.precision,
    engine: "onnx",
  };
}
