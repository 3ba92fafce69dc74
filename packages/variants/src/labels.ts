// The one formatter for showing the vocabulary to operators: data and wire stay lower case
// (`int8`, `onnx`); tables, checkboxes and explanations read `INT8`, `ONNX`.
import type { TEngine } from "./engines.ts";
import type { TPrecision } from "./precisions.ts";

/** `fp16` → `FP16`, `onnx` → `ONNX`. */
export function displayLabel(term: TPrecision | TEngine): string {
  return term.toUpperCase();
}
