// `fleet-agent verify DIR`: what an installer runs on a device before trusting it with a variant:
// the runtime opens the directory as the agent would (every file's sha256, declared shapes, the
// engines this device allows, the manifest's self-test) and times it here. Signatures are checked
// on download, against the desired payload, so a directory on disk is verified by its hashes.
import type { TEngine } from "@fleet/protocol";
import { openVariant } from "@fleet/runtime";
import { AgentError, describeFailure } from "../errors.ts";

export interface TVerifyResult {
  dir: string;
  variant: string | null;
  engine: TEngine;
  runtime: string;
  loadMs: number;
  selfTest: { passed: boolean; maxAbsError: number };
  latency: { runs: number; medianMs: number; p95Ms: number };
  rssMB: number;
}

export async function verifyVariant(
  dir: string,
  options: { engines: readonly TEngine[]; onnxThreads: number | undefined; runs?: number },
): Promise<TVerifyResult> {
  let runner;
  try {
    runner = await openVariant(dir, {
      engines: options.engines,
      ...(options.onnxThreads === undefined ? {} : { threads: options.onnxThreads }),
    });
  } catch (error) {
    // the same code and words the agent would report on `reported` for this variant
    const { code, message } = describeFailure(error);
    throw new AgentError(code, `${code}: ${message}`);
  }
  try {
    const selfTest = await runner.selfTest();
    const latency = await runner.measureLatency(options.runs ?? 50, 5);
    return {
      dir,
      variant: runner.manifest?.variant ?? null,
      engine: runner.engine,
      runtime: runner.describe(),
      loadMs: runner.loadMs,
      selfTest: { passed: selfTest.passed, maxAbsError: selfTest.maxAbsError },
      latency: { runs: latency.runs, medianMs: latency.medianMs, p95Ms: latency.p95Ms },
      rssMB: runner.memory().rssMB,
    };
  } finally {
    await runner.dispose();
  }
}
