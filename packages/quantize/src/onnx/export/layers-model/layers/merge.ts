// Keras merge layers over any number of inputs, brought to one layout by the builder: Add as chained
// ONNX Adds, Concatenate as one Concat on the matching axis.
import type { LayerHandler } from "../layer-context.ts";

const add: LayerHandler = {
  inputs: "many",
  convert: ({ name, g, inputs, fail }) => {
    const sum = g.elementwise("Add", inputs, name);
    if (!sum) throw fail(`input shapes ${inputs.map((v) => `[${v.shape.join(", ")}]`).join(", ")} do not broadcast`);
    return sum;
  },
};

const concatenate: LayerHandler = {
  inputs: "many",
  convert: ({ name, cfg, g, inputs, fail }) => {
    const joined = g.concat(inputs, Number(cfg["axis"] ?? -1), name);
    if (!joined)
      throw fail(
        `cannot concatenate shapes ${inputs.map((v) => `[${v.shape.join(", ")}]`).join(", ")} on axis ${String(cfg["axis"] ?? -1)}`,
      );
    return joined;
  },
};

export const MERGE_LAYERS = {
  Add: add,
  Concatenate: concatenate,
} satisfies Record<string, LayerHandler>;
