// The manifest's self-test: the variant's output for the golden input must match the golden output
// within the manifest's tolerance, element-wise. Shared by every engine.
import { RuntimeError } from "./errors.ts";
import { decodeInlineTensor, MANIFEST_FILE, type TManifest } from "./manifest.ts";

export interface SelfTestResult {
  passed: boolean;
  maxAbsError: number;
  /** element with the largest error relative to its allowance */
  worstIndex: number;
  tolerance: { absolute: number; relative: number };
}

export function goldenInput(manifest: TManifest | undefined, dir: string): { x: Float32Array; batch: number } {
  if (!manifest)
    throw new RuntimeError("MANIFEST_INVALID", `${dir}: no manifest.json, so no golden output to test against`);
  const { input } = manifest.selfTest;
  return { x: decodeInlineTensor(input, "selfTest.input"), batch: input.shape[0] ?? 1 };
}

export function compareWithGolden(manifest: TManifest, actual: Float32Array): SelfTestResult {
  const { output, tolerance } = manifest.selfTest;
  const golden = decodeInlineTensor(output, "selfTest.output");
  let maxAbsError = 0;
  let worstIndex = -1;
  let worstRatio = 0;
  let passed = actual.length === golden.length;
  for (let i = 0; i < Math.min(actual.length, golden.length); i++) {
    const error = Math.abs(actual[i]! - golden[i]!);
    const allowance = tolerance.absolute + tolerance.relative * Math.abs(golden[i]!);
    maxAbsError = Math.max(maxAbsError, error);
    if (!(error <= allowance)) passed = false;
    const ratio = allowance > 0 ? error / allowance : error;
    if (ratio > worstRatio || worstIndex < 0) [worstRatio, worstIndex] = [ratio, i];
  }
  return { passed, maxAbsError, worstIndex, tolerance };
}

export function selfTestError(dir: string, where: string, result: SelfTestResult): RuntimeError {
  return new RuntimeError(
    "SELF_TEST_FAILED",
    `${dir}: self-test failed on ${where}: max |error| ${result.maxAbsError.toExponential(3)} (element ${result.worstIndex}) exceeds ${result.tolerance.absolute} + ${result.tolerance.relative}·|golden|`,
    MANIFEST_FILE,
  );
}
