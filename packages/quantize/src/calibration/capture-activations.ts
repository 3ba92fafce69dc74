// Per-layer activations: captured from a model layer by layer (so any layer's output can also be
// transformed, e.g. fake-quantized for the simulated full-int8 run), for layers and graph models.
import * as tf from "@tensorflow/tfjs";
import type { ModelFormat, TfModel } from "@fleet/runtime";
import { QuantizeError } from "../errors.ts";

type Transform = (layer: string, value: tf.Tensor) => tf.Tensor;

interface NodeLike {
  inputTensors: { id: number }[];
  outputTensors: { id: number }[];
}

export function inputLayerName(model: tf.LayersModel): string {
  return model.inputLayers[0]?.name ?? "input";
}

/**
 * Executes a LayersModel layer by layer. `transform` sees the model input (under the input layer's
 * name) and every layer output. Returns the model output and the (transformed) output of each layer.
 */
export function runLayerByLayer(
  model: tf.LayersModel,
  x: tf.Tensor,
  transform?: Transform,
): { output: tf.Tensor; layers: Map<string, tf.Tensor>; inputs: Map<string, tf.Tensor> } {
  const values = new Map<number, tf.Tensor>();
  const layers = new Map<string, tf.Tensor>();
  const layerInputs = new Map<string, tf.Tensor>();
  const input = model.inputs[0];
  if (!input || model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new QuantizeError(
      "MODEL_UNSUPPORTED",
      "model.json: only single-input, single-output models can be analysed layer by layer",
    );
  }
  const first = transform ? transform(inputLayerName(model), x) : x;
  values.set(input.id, first);
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") continue;
    const nodes = layer.inboundNodes as unknown as NodeLike[];
    if (nodes.length !== 1)
      throw new QuantizeError(
        "MODEL_UNSUPPORTED",
        `layer "${layer.name}": shared layers (called ${nodes.length} times) are not supported`,
        layer.name,
      );
    const node = nodes[0]!;
    const inputs = node.inputTensors.map((t) => {
      const value = values.get(t.id);
      if (!value)
        throw new QuantizeError("MODEL_UNSUPPORTED", `layer "${layer.name}": input computed out of order`, layer.name);
      return value;
    });
    layerInputs.set(layer.name, inputs[0]!);
    let out = layer.apply(inputs.length === 1 ? inputs[0]! : inputs) as tf.Tensor;
    if (transform) out = transform(layer.name, out);
    values.set(node.outputTensors[0]!.id, out);
    layers.set(layer.name, out);
  }
  const output = values.get(model.outputs[0]!.id);
  if (!output)
    throw new QuantizeError("MODEL_UNSUPPORTED", "model.json: the model output was not reached layer by layer");
  return { output, layers, inputs: layerInputs };
}

/** Outputs of the named layers / graph nodes for a batch, as flat arrays. */
export function captureActivations(
  model: TfModel,
  format: ModelFormat,
  names: string[],
  x: tf.Tensor,
): Map<string, Float32Array> {
  const result = new Map<string, Float32Array>();
  tf.tidy(() => {
    if (format === "layers-model") {
      const layersModel = model as tf.LayersModel;
      const { layers } = runLayerByLayer(layersModel, x);
      const inputName = inputLayerName(layersModel);
      for (const name of names) {
        const value = name === inputName ? x : layers.get(name);
        if (value) result.set(name, value.dataSync() as Float32Array);
      }
      return;
    }
    const graph = model as tf.GraphModel;
    const outputs = graph.execute(x, names) as tf.Tensor | tf.Tensor[];
    const list = Array.isArray(outputs) ? outputs : [outputs];
    names.forEach((name, i) => result.set(name, list[i]!.dataSync() as Float32Array));
  });
  return result;
}

/** The (first) input of each named layer of a LayersModel for a batch, as flat arrays with their channel count. */
export function captureLayerInputs(
  model: tf.LayersModel,
  names: string[],
  x: tf.Tensor,
): Map<string, { values: Float32Array; channels: number }> {
  const result = new Map<string, { values: Float32Array; channels: number }>();
  tf.tidy(() => {
    const { inputs } = runLayerByLayer(model, x);
    for (const name of names) {
      const value = inputs.get(name);
      if (value) result.set(name, { values: value.dataSync() as Float32Array, channels: value.shape.at(-1) ?? 1 });
    }
  });
  return result;
}
