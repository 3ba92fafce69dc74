// Engines: the runtimes that execute a variant. "Engine" means only this in Fleet; a TF.js backend
// (wasm, cpu, tensorflow) is what the tfjs engine computes with, not another engine.
import { z } from "zod";

export const ENGINES = ["tfjs", "onnx"] as const;
export const ZEngine = z.enum(ENGINES);
export type TEngine = z.infer<typeof ZEngine>;

/** One line per engine, for help texts and the glossary. */
export const ENGINE_DESCRIPTIONS: Readonly<Record<TEngine, string>> = {
  tfjs: "TensorFlow.js (tfjs-node, wasm or cpu backend); quantized weights are dequantized to float32 at load",
  onnx: "ONNX Runtime (onnxruntime-node, CPU execution provider); int8 graphs run on integer kernels",
};
