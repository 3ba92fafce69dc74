// The CLI as a user runs it, on a model it has never seen (seeded synthetic convnet).
import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { initBackend, ZManifest } from "@fleet/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZReport } from "../pipeline/report-schema.ts";
import { syntheticWorkspace, type SyntheticWorkspace } from "../testing/fixture-dirs.ts";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "..", "..", "bin", "fleet-quantize.mjs");
let ws: SyntheticWorkspace;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  await initBackend();
  ws = await syntheticWorkspace({
    inputShape: [12, 12, 2],
    filters: [6, 12],
    denseUnits: 24,
    classes: 5,
    seed: 41,
    samples: 96,
  });
});
afterAll(() => rmSync(ws.root, { recursive: true, force: true }));

describe("fleet-quantize", () => {
  it("writes every variant and report.json for an unseen model, with progress on stderr", async () => {
    const out = join(ws.root, "out");
    const result = await cli(
      ws.model,
      "--out",
      out,
      "--calib",
      ws.calib,
      "--val",
      ws.val,
      "--runs",
      "5",
      "--budget",
      "1",
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\] 11\/11 .* done/);
    expect(result.stdout).toMatch(/int4-group/);
    expect(result.stdout).toMatch(/onnx-int8 +onnx /);
    expect(result.stdout).toMatch(/onnx-int8 calibration: (minmax|percentile|mse)/);
    const report = ZReport.parse(JSON.parse(readFileSync(join(out, "report.json"), "utf8")));
    expect(report.variants.map((v) => v.variant)).toEqual([
      "fp32",
      "fp16",
      "uint8-tensor",
      "int8-channel",
      "int4-group",
      "mixed",
      "onnx-fp32",
      "onnx-fp16",
      "onnx-int8",
    ]);
    for (const v of report.variants) {
      const manifest = ZManifest.parse(JSON.parse(readFileSync(join(out, v.variant, "manifest.json"), "utf8")));
      expect(manifest.variant).toBe(v.variant);
      if (!v.variant.startsWith("onnx-") || v.variant === "onnx-int8")
        expect(manifest.activations?.ranges.length).toBeGreaterThan(0);
      expect(v.runtime?.selfTest.passed).toBe(true);
    }
    expect(report.variants.find((v) => v.variant === "mixed")!.accuracyDelta!).toBeGreaterThanOrEqual(-1);

    const evaluated = await cli("eval", join(out, "int8-channel"), "--val", ws.val, "--runs", "3");
    expect(evaluated.code).toBe(0);
    const metrics = JSON.parse(evaluated.stdout);
    expect(metrics).toMatchObject({ variant: "int8-channel", samples: 96, selfTest: { passed: true } });
    expect(metrics.accuracy).toBeCloseTo(report.variants.find((v) => v.variant === "int8-channel")!.accuracy!, 5);

    const onnx = JSON.parse((await cli("eval", join(out, "onnx-int8"), "--val", ws.val, "--runs", "3")).stdout);
    expect(onnx).toMatchObject({ variant: "onnx-int8", engine: "onnx", samples: 96, selfTest: { passed: true } });
    expect(onnx.accuracy).toBeCloseTo(report.variants.find((v) => v.variant === "onnx-int8")!.accuracy!, 5);
  });

  it("exits 2 with one clear line on bad input, and writes nothing", async () => {
    const out = join(ws.root, "never");
    const result = await cli(join(ws.root, "no-such-model"), "--out", out);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^fleet-quantize: .*no-such-model: no such file or directory$/);
    expect(existsSync(out)).toBe(false);
    const unknown = await cli(ws.model, "--out", out, "--variants", "fp16,int3");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown variant "int3"/);
  });
});
