// Which engines the agent reports and uses: the settings, the probe in a child process (real
// processes: the agent's own bin, and children that fail in each way), and the refusal message.
import path from "node:path";
import { RuntimeError } from "@fleet/runtime";
import { describe, expect, it } from "vitest";
import { AgentError, describeFailure } from "../errors.ts";
import { DeviceEngines } from "./device-engines.ts";
import { probeOnnxInChild } from "./probe-child.ts";

const bin = path.join(import.meta.dirname, "..", "..", "bin", "fleet-agent.mjs");
const node = (code: string) => [process.execPath, ["-e", code]] as const;

describe("engine probe in a child process", () => {
  it("reads onnx's probe from `fleet-agent engines --engines onnx`", async () => {
    const probe = await probeOnnxInChild(process.execPath, [bin, "engines", "--engines", "onnx"]);
    expect(probe).toMatchObject({
      engine: "onnx",
      available: true,
      detail: expect.stringMatching(/^onnxruntime-node \d/),
    });
  });

  it.each([
    [node("process.exit(3)"), 60_000, "the engine probe process exited with code 3"],
    [node("process.kill(process.pid, 'SIGSEGV')"), 60_000, "the engine probe process killed by SIGSEGV"],
    [node('console.log(\'[{"engine":"onnx"}]\')'), 60_000, "the engine probe process printed no result"],
    [node("setTimeout(() => {}, 60000)"), 300, "the engine probe process timed out after 300 ms"],
  ])(
    "reports onnx unavailable, with the reason, when the child fails (%#)",
    async ([command, args], timeoutMs, detail) => {
      expect(await probeOnnxInChild(command, args, timeoutMs)).toEqual({ engine: "onnx", available: false, detail });
    },
  );
});

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

it("reports the runtime's refusal of an engine as unsupported_engine, other refusals as load_failed", () => {
  expect(
    describeFailure(
      new RuntimeError("UNSUPPORTED", "a variant of the onnx engine, which is not available here", "onnx"),
    ).code,
  ).toBe("unsupported_engine");
  expect(
    describeFailure(
      new RuntimeError("UNSUPPORTED", "model.onnx: the onnx engine runs models with one input", "model.onnx"),
    ).code,
  ).toBe("load_failed");
  expect(
    describeFailure(new RuntimeError("MODEL_INVALID", "model.onnx: not a valid ONNX model", "model.onnx")),
  ).toEqual({ code: "load_failed", message: "model.onnx: not a valid ONNX model" });
});
