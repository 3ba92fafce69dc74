// The engine probe on this machine: each engine loaded and made to compute, and what loaded named.
import { describe, expect, it } from "vitest";
import { availableEngines, probeEngines } from "./engines.ts";

describe("engines", () => {
  it("reports both engines as available on this machine, with what loaded", async () => {
    const probes = await probeEngines();
    expect(probes.map((p) => [p.engine, p.available])).toEqual([
      ["tfjs", true],
      ["onnx", true],
    ]);
    expect(probes[1]!.detail).toMatch(/^onnxruntime-node \d/);
    expect(await availableEngines()).toEqual(["tfjs", "onnx"]);
  });
});
