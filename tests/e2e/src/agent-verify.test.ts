// `fleet-agent verify DIR` through the bin, as an installer runs it on a device: the bin runs the
// precompiled bundle (npm test builds it), so this also proves the bundle's lazily loaded parts work —
// ONNX Runtime (external native addon) for an onnx-int8 variant and the TF.js converter chunk for a
// graph model — and that a variant the agent would refuse is refused with its reason.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, runBin } from "./processes.ts";

const FIXTURES = path.join(repoRoot, "packages", "runtime", "fixtures");
let dir: string;

async function verify(variantDir: string, ...flags: string[]): Promise<{ code: number | null; output: string }> {
  const proc = runBin("apps/agent/bin/fleet-agent.mjs", ["verify", variantDir, ...flags]);
  const code = await proc.exited;
  return { code, output: proc.output().trim() };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "fleet-e2e-verify-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("fleet-agent verify", () => {
  it("opens the full-integer onnx-int8 variant on ONNX Runtime, passes its self-test and times it", async () => {
    const { code, output } = await verify(path.join(FIXTURES, "mnist-cnn-onnx-int8"));
    expect(code, output).toBe(0);
    const result = JSON.parse(output.split("\n").at(-1)!);
    expect(result).toMatchObject({
      variant: "onnx-int8",
      engine: "onnx",
      runtime: "onnxruntime cpu (1 thread)",
      selfTest: { passed: true },
    });
    expect(result.latency.runs).toBe(50);
  });

  it("opens an int8-channel graph-model variant on TF.js (the converter is loaded on demand)", async () => {
    const { code, output } = await verify(path.join(FIXTURES, "graph-dense-int8-channel"));
    expect(code, output).toBe(0);
    expect(JSON.parse(output.split("\n").at(-1)!)).toMatchObject({
      variant: "int8-channel",
      engine: "tfjs",
      selfTest: { passed: true },
    });
  });

  it("refuses an onnx variant on a device limited to tfjs, naming the engine", async () => {
    const { code, output } = await verify(path.join(FIXTURES, "mnist-cnn-onnx-int8"), "--engines", "tfjs");
    expect(code).toBe(2);
    expect(output).toMatch(
      /^fleet-agent: unsupported_engine: .*onnx engine, which is not available here \(available: tfjs\)$/,
    );
  });

  it("refuses a model.onnx that no longer matches its manifest, and one whose declared shape is wrong", async () => {
    const tampered = path.join(dir, "tampered");
    await cp(path.join(FIXTURES, "mnist-cnn-onnx-int8"), tampered, { recursive: true });
    const model = await readFile(path.join(tampered, "model.onnx"));
    model[100] = model[100]! ^ 0xff;
    await writeFile(path.join(tampered, "model.onnx"), model);
    const bad = await verify(tampered);
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(
      /^fleet-agent: hash_mismatch: model\.onnx: sha256 [0-9a-f]{64} does not match manifest\.json/,
    );

    const shaped = path.join(dir, "shaped");
    await cp(path.join(FIXTURES, "mnist-cnn-onnx-int8"), shaped, { recursive: true });
    const manifest = JSON.parse(await readFile(path.join(shaped, "manifest.json"), "utf8"));
    manifest.input.shape = [null, 32, 32, 3];
    await writeFile(path.join(shaped, "manifest.json"), JSON.stringify(manifest));
    const mismatch = await verify(shaped);
    expect(mismatch.code).toBe(2);
    expect(mismatch.output).toMatch(
      /^fleet-agent: load_failed: manifest\.json: input "input" is \[null,32,32,3\], model\.onnx takes \[null,28,28,1\]/,
    );
  });
});
