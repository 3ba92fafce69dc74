// Runs one quantizeModel() in a worker thread and reports to the console over postMessage.
import { parentPort, workerData } from "node:worker_threads";
import { quantizeModel, QuantizeError } from "@fleet/quantize";
import type { TQuantizeJobInput, TQuantizeWorkerMessage } from "./quantize-job.types.ts";

const input = workerData as TQuantizeJobInput;
const post = (message: TQuantizeWorkerMessage) => parentPort?.postMessage(message);

try {
  const report = await quantizeModel({
    input: input.modelDir,
    outDir: input.outDir,
    ...(input.calibDir ? { calibDir: input.calibDir } : {}),
    ...(input.valDir ? { valDir: input.valDir } : {}),
    measure: input.measure,
    latencyRuns: input.latencyRuns,
    onProgress: (event) => post({ type: "progress", done: event.done, total: event.total, label: event.label }),
  });
  post({ type: "done", report });
} catch (error) {
  // QuantizeError messages name the file, layer or tensor; anything else is summarised.
  const message =
    error instanceof QuantizeError
      ? error.message
      : `quantization failed: ${error instanceof Error ? error.message : String(error)}`;
  post({ type: "failed", message });
}
