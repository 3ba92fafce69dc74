// Probes ONNX Runtime in a short-lived child process (`fleet-agent engines --engines onnx`): loading
// the native addon and creating a session keeps ~40 MB resident for the life of the process, which a
// device running TF.js variants should not pay just to report that onnx would work. A crash of the
// addon (an unsupported CPU) also takes down only the child.
import { execFile } from "node:child_process";
import { ENGINES } from "@fleet/protocol";
import type { EngineProbe } from "@fleet/runtime";
import { z } from "zod";

export const ZEngineProbes = z.array(
  z.object({ engine: z.enum(ENGINES), available: z.boolean(), detail: z.string().max(2000) }),
);

const failed = (detail: string): EngineProbe => ({ engine: "onnx", available: false, detail });

/** Runs `command args…` (which prints the probes as JSON on its last stdout line) and returns onnx's. */
export function probeOnnxInChild(command: string, args: readonly string[], timeoutMs = 30_000): Promise<EngineProbe> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024, windowsHide: true }, (error, stdout) => {
      const last = stdout.trim().split("\n").at(-1) ?? "";
      let parsed: z.infer<typeof ZEngineProbes> | undefined;
      try {
        parsed = ZEngineProbes.parse(JSON.parse(last));
      } catch {
        parsed = undefined;
      }
      const probe = parsed?.find((p) => p.engine === "onnx");
      if (probe) return resolve(probe);
      if (error) {
        const how = error.killed
          ? `timed out after ${timeoutMs} ms`
          : error.signal
            ? `killed by ${error.signal}`
            : `exited with code ${String(error.code)}`;
        return resolve(failed(`the engine probe process ${how}`));
      }
      resolve(failed("the engine probe process printed no result"));
    });
  });
}
