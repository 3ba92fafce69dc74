// Which engines run on this device: each one is loaded and made to compute something, so a
// platform without an ONNX Runtime binary (or where no TF.js backend starts) reports it honestly.
import type { TEngine } from "@fleet/variants";
import { describeBackend, initBackend, type BackendPreference } from "./backend.ts";

export interface EngineProbe {
  engine: TEngine;
  available: boolean;
  /** the backend that loaded, or why the engine did not */
  detail: string;
}

/** Relu over a float32 [2]: the smallest graph that proves a session can be created and run. */
const PROBE_ONNX =
  "CAgSBWZsZWV0GgEwOjoKDwoBeBIBeRoBeSIEUmVsdRIFcHJvYmVaDwoBeBIKCggIARIECgIIAmIPCgF5EgoKCAgBEgQKAggCQgQKABAR";

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}

/** Loads ONNX Runtime and runs a one-node graph on it (TF.js is not touched). */
export async function probeOnnx(): Promise<EngineProbe> {
  try {
    const ort = await import("onnxruntime-node");
    const session = await ort.InferenceSession.create(Buffer.from(PROBE_ONNX, "base64"), { intraOpNumThreads: 1 });
    try {
      const out = await session.run({ x: new ort.Tensor("float32", Float32Array.of(-1, 2), [2]) });
      const y = out["y"]?.data as Float32Array | undefined;
      if (y?.[0] !== 0 || y[1] !== 2)
        return { engine: "onnx", available: false, detail: "ONNX Runtime computed a wrong result" };
    } finally {
      await session.release();
    }
    return { engine: "onnx", available: true, detail: `onnxruntime-node ${ort.env.versions.common ?? ""}`.trim() };
  } catch (error) {
    return { engine: "onnx", available: false, detail: firstLine(error) };
  }
}

async function probeTfjs(backend: BackendPreference): Promise<EngineProbe> {
  try {
    return { engine: "tfjs", available: true, detail: describeBackend(await initBackend(backend)) };
  } catch (error) {
    return { engine: "tfjs", available: false, detail: firstLine(error) };
  }
}

/** Probes every engine (tfjs first); never throws. */
export async function probeEngines(options: { backend?: BackendPreference } = {}): Promise<EngineProbe[]> {
  return [await probeTfjs(options.backend ?? "auto"), await probeOnnx()];
}

/** The names of the engines that run here, e.g. ["tfjs", "onnx"]. */
export async function availableEngines(options: { backend?: BackendPreference } = {}): Promise<TEngine[]> {
  return (await probeEngines(options)).filter((p) => p.available).map((p) => p.engine);
}
