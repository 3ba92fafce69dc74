// The onnx probe in a child process, with real processes: the agent's own bin, and children that
// fail in each way (exit code, signal, no result, timeout).
import path from "node:path";
import { describe, expect, it } from "vitest";
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
