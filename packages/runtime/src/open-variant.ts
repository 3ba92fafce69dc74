// Opens a variant on the engine its manifest names (tfjs or onnx). ONNX Runtime is a native addon:
// it is imported only when an onnx variant is opened or the engines are probed, so a device that
// runs TF.js variants never loads it.
import { access } from "node:fs/promises";
import { join } from "node:path";
import type { TEngine } from "@fleet/variants";
import { initBackend } from "./backend.ts";
import { RuntimeError } from "./errors.ts";
import { loadTfjsVariant, readManifest, type LoadOptions } from "./load-variant.ts";
import type { OnnxSession, OnnxSessionOptions } from "./onnx/onnx-session.ts";
import type { OnnxVariantOptions } from "./onnx/onnx-variant.ts";
import type { VariantRunner } from "./variant-runner.ts";

export interface OpenOptions extends LoadOptions {
  /** onnx engine: ONNX Runtime intra-op threads (default: one per core) */
  threads?: number;
  /** engines this process may use (default both); a variant of another engine is refused before loading */
  engines?: readonly TEngine[];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Loads, verifies and self-tests a variant directory on its engine. */
export async function openVariant(dir: string, options: OpenOptions = {}): Promise<VariantRunner> {
  const started = performance.now();
  const manifest = await readManifest(dir, options.requireManifest ?? true);
  // a stock model without manifest: model.onnx means onnx, anything else is TF.js
  const engine: TEngine = manifest?.engine ?? ((await exists(join(dir, "model.onnx"))) ? "onnx" : "tfjs");
  if (options.engines && !options.engines.includes(engine)) {
    throw new RuntimeError(
      "UNSUPPORTED",
      `${dir}: a variant of the ${engine} engine, which is not available here (available: ${options.engines.join(", ") || "none"})`,
      engine,
    );
  }
  if (engine === "onnx") {
    const { loadOnnxVariant } = await import("./onnx/onnx-variant.ts");
    const onnxOptions: OnnxVariantOptions = { ...options };
    return loadOnnxVariant(dir, manifest, onnxOptions, started);
  }
  await initBackend(options.backend ?? "auto");
  return loadTfjsVariant(dir, manifest, options, performance.now());
}

/** Opens an ONNX Runtime session on a bare .onnx graph (path or bytes), without a manifest. */
export async function openOnnxSession(
  model: string | Uint8Array,
  options: OnnxSessionOptions = {},
): Promise<OnnxSession> {
  const onnx = await import("./onnx/onnx-session.ts");
  return onnx.openOnnxSession(model, options);
}
