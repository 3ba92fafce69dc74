// Turns decoded model files into a live TF.js model through an in-memory IOHandler (the weights
// are already float32, so every variant format loads the same way on every backend).
import type * as tf from "@tensorflow/tfjs-core";
import { io } from "@tensorflow/tfjs-core";
import type { GraphModel } from "@tensorflow/tfjs-converter";
import { loadLayersModel, models, type LayersModel } from "@tensorflow/tfjs-layers";
import { RuntimeError } from "./errors.ts";
import type { DecodedWeight, ModelFiles, ModelFormat, TModelJson } from "./model-files.ts";

export type TfModel = LayersModel | GraphModel;

export function toFloat32Artifacts(modelJson: TModelJson, weights: DecodedWeight[]): tf.io.ModelArtifacts {
  const total = weights.reduce((sum, w) => sum + w.values.byteLength, 0);
  const weightData = new Uint8Array(total);
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const { entry, values } of weights) {
    weightData.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    offset += values.byteLength;
    weightSpecs.push({ name: entry.name, shape: entry.shape, dtype: entry.dtype });
  }
  const { weightsManifest: _ignored, ...rest } = modelJson;
  return {
    ...(rest as unknown as tf.io.ModelArtifacts),
    weightSpecs,
    weightData: weightData.buffer,
  };
}

/** Layer (or op) names of the topology that TF.js does not know, to name them in the error. */
function unknownClassName(message: string): string | undefined {
  return /Unknown (?:layer|op|class)[^:]*: ?([A-Za-z0-9_.-]*[A-Za-z0-9_])/i.exec(message)?.[1];
}

export async function buildTfModel(files: ModelFiles): Promise<TfModel> {
  return buildFromArtifacts(toFloat32Artifacts(files.modelJson, files.weights), files.format);
}

type TConverter = typeof import("@tensorflow/tfjs-converter");

/**
 * The converter, imported on first use. A bundle that splits chunks (the agent's esbuild build) hands a
 * dynamically imported CommonJS package over as its `default` export only, so fall back to that.
 */
export async function loadConverter(): Promise<TConverter> {
  const module = (await import("@tensorflow/tfjs-converter")) as TConverter & { default?: TConverter };
  return typeof module.loadGraphModel === "function" ? module : module.default!;
}

export async function buildFromArtifacts(artifacts: tf.io.ModelArtifacts, format: ModelFormat): Promise<TfModel> {
  const handler = io.fromMemory(artifacts);
  try {
    if (format === "graph-model") {
      // the converter is only loaded for graph models (layers models, like the reference CNN, never need it)
      const model = await (await loadConverter()).loadGraphModel(handler);
      checkGraphOps(model);
      return model;
    }
    return await loadLayersModel(handler);
  } catch (error) {
    if (error instanceof RuntimeError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const unknown = unknownClassName(message);
    if (unknown)
      throw new RuntimeError(
        "UNSUPPORTED",
        `model.json: layer class "${unknown}" is not supported by TF.js (${message.split("\n")[0]})`,
        unknown,
      );
    if (/shape/i.test(message)) {
      const culprit = format === "layers-model" ? await findShapeMismatch(artifacts) : undefined;
      throw new RuntimeError(
        "SHAPE_MISMATCH",
        `model.json: ${culprit ?? "weights disagree with the topology"} (${message.split("\n")[0]})`,
        culprit,
      );
    }
    throw new RuntimeError("MODEL_JSON_INVALID", `model.json: TF.js refused the model: ${message.split("\n")[0]}`);
  }
}

/** GraphModel loads lazily and fails on the first run; find unsupported ops now, by name. */
function checkGraphOps(model: GraphModel): void {
  const graph = (
    model as unknown as { executor?: { graph?: { nodes?: Record<string, { op: string; category?: string }> } } }
  ).executor?.graph;
  for (const [name, node] of Object.entries(graph?.nodes ?? {})) {
    // ops TF.js does not map (and nobody registered with tf.registerOp) get no category
    if (node.category === undefined) {
      throw new RuntimeError(
        "UNSUPPORTED",
        `model.json: node "${name}" uses op "${node.op}", which TF.js does not support`,
        name,
      );
    }
  }
}

/** Rebuilds the layers from the topology alone to say which weight has the wrong shape. */
async function findShapeMismatch(artifacts: tf.io.ModelArtifacts): Promise<string | undefined> {
  try {
    const skeleton = await models.modelFromJSON({
      modelTopology: artifacts.modelTopology as tf.io.ModelJSON["modelTopology"],
    });
    try {
      for (const weight of skeleton.weights) {
        const spec = artifacts.weightSpecs?.find((s) => s.name === weight.originalName);
        if (spec && spec.shape.join(",") !== weight.shape.join(",")) {
          return `weight "${spec.name}" is [${spec.shape.join(", ")}] in the weights manifest, the layer needs [${weight.shape.join(", ")}]`;
        }
      }
    } finally {
      skeleton.dispose();
    }
  } catch {
    // diagnosis is best effort; the caller still reports TF.js's own message
  }
  return undefined;
}
