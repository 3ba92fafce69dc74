// Which engines the agent reports and uses: what the settings allow, then only what loaded, and the
// refusal message naming both.
import { describe, expect, it } from "vitest";
import { AgentError } from "../errors.ts";
import { DeviceEngines } from "./device-engines.ts";

describe("device engines", () => {
  it("uses what the settings allow before the probe, then only what loaded, and names both in a refusal", async () => {
    const engines = new DeviceEngines({
      onnxThreads: 2,
      probeOnnx: async () => ({
        engine: "onnx",
        available: false,
        detail: "libonnxruntime.so.1: cannot open shared object file",
      }),
    });
    expect(engines.usable).toEqual(["tfjs", "onnx"]);
    await engines.probe();
    expect(engines.usable).toEqual(["tfjs"]);
    expect(engines.openOptions()).toEqual({ engines: ["tfjs"], threads: 2 });
    expect(() => engines.check("tfjs", "v1")).not.toThrow();
    let refusal: unknown;
    try {
      engines.check("onnx", "v2");
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(AgentError);
    expect(refusal).toMatchObject({
      code: "unsupported_engine",
      message:
        "variant v2 needs the onnx engine, which is not loadable on this device (libonnxruntime.so.1: cannot open shared object file); it runs tfjs",
    });
  });

  it("does not probe a disabled engine", async () => {
    let probed = false;
    const engines = new DeviceEngines({
      allowed: ["tfjs"],
      probeOnnx: async () => {
        probed = true;
        return { engine: "onnx", available: true, detail: "" };
      },
    });
    expect(await engines.probe()).toEqual([
      expect.objectContaining({ engine: "tfjs", available: true }),
      { engine: "onnx", available: false, detail: "disabled by --engines" },
    ]);
    expect(probed).toBe(false);
    expect(engines.backend?.name).toBeDefined();
  });
});
