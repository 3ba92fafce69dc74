// The fp32 ONNX export of a TF.js model (opset 17): a LayersModel goes to layers-model/, a GraphModel
// to graph-model/; both build the same in-memory ONNX model (onnx/graph) through OnnxGraphBuilder.
import { readModelFiles, type ModelFiles } from "@fleet/runtime";
import { encodeModel } from "../graph/encode-model.ts";
import type { OnnxModelProto } from "../graph/onnx-proto.ts";
import { exportGraphModel } from "./graph-model/export-graph-model.ts";
import { exportLayersModel } from "./layers-model/export-layers-model.ts";

export { ONNX_OPSET } from "./onnx-graph-builder.ts";
export { ONNX_SUPPORTED_GRAPH_OPS } from "./graph-model/op-handlers.ts";
export { ONNX_SUPPORTED_LAYERS } from "./layers-model/layer-handlers.ts";

/**
 * Exports the TF.js model in `modelDir` (model.json + weight shards; a LayersModel or a GraphModel)
 * as an fp32 ONNX model (opset 17) with one input `input` [batch, ...TF.js input shape] and one
 * output `output`, encoded as the bytes of a .onnx file.
 * Throws QuantizeError MODEL_UNSUPPORTED naming the first layer (or graph node) outside the supported set.
 */
export async function exportOnnx(modelDir: string): Promise<Uint8Array> {
  return encodeModel(await exportOnnxModel(modelDir));
}

/** The same export as {@link exportOnnx}, as the in-memory graph (for the integer and fp16 rewrites). */
export async function exportOnnxModel(modelDir: string): Promise<OnnxModelProto> {
  return exportOnnxFiles(await readModelFiles(modelDir));
}

/** The export of model files already read (the quantize pipeline has them in hand). */
export function exportOnnxFiles(files: ModelFiles): OnnxModelProto {
  return files.format === "graph-model" ? exportGraphModel(files) : exportLayersModel(files);
}
