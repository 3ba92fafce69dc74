// Picks the TF.js backend: tfjs-node when it is installed and loads, else wasm (SIMD and threads
// when the platform has them), else the pure-JS cpu backend. The choice, and why, is reported.
// Only tfjs-core is loaded up front (not the @tensorflow/tfjs umbrella, which drags in webgl, data
// and more, ~100 MB of RSS under tsx); each backend package is imported when it is tried.
import * as tf from "@tensorflow/tfjs-core";
import { RuntimeError } from "./errors.ts";

export type BackendPreference = "auto" | "tfjs-node" | "wasm" | "cpu";
export type BackendName = "tensorflow" | "wasm" | "cpu";

export interface BackendChoice {
  name: BackendName;
  preference: BackendPreference;
  /** wasm only */
  simd?: boolean;
  /** wasm only */
  multithread?: boolean;
  /** backends tried before this one and why they were passed over */
  skipped: { name: BackendName; reason: string }[];
  tfjsVersion: string;
}

// tfjs prints an advertisement for tfjs-node on first use of the cpu backend; PROD silences it.
tf.env().set("PROD", true);

let current: BackendChoice | undefined;

async function tryTfjsNode(): Promise<void> {
  // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
  const specifier = "@tensorflow/tfjs-node";
  await import(specifier);
  if (!(await tf.setBackend("tensorflow"))) throw new Error("backend 'tensorflow' did not initialise");
}

/** Imports (and so registers) a backend package the first time it is tried. */
async function register(name: "wasm" | "cpu"): Promise<void> {
  if (tf.findBackendFactory(name)) return;
  if (name === "wasm") await import("@tensorflow/tfjs-backend-wasm");
  else await import("@tensorflow/tfjs-backend-cpu");
}

async function trySet(name: "wasm" | "cpu"): Promise<void> {
  await register(name);
  if (!(await tf.setBackend(name))) throw new Error(`backend '${name}' did not initialise`);
  await tf.ready();
}

/** Initialises the backend once per process (TF.js runs one backend per process); later calls return the choice. */
export async function initBackend(preference: BackendPreference = "auto"): Promise<BackendChoice> {
  if (current && (preference === "auto" || current.preference === preference)) return current;
  const order: BackendName[] =
    preference === "auto" ? ["tensorflow", "wasm", "cpu"] : [preference === "tfjs-node" ? "tensorflow" : preference];
  const skipped: BackendChoice["skipped"] = [];
  for (const name of order) {
    try {
      if (name === "tensorflow") await tryTfjsNode();
      else await trySet(name);
      const choice: BackendChoice = { name, preference, skipped, tfjsVersion: tf.version_core };
      if (name === "wasm") {
        choice.simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
        choice.multithread = Boolean(await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT"));
      }
      current = choice;
      return choice;
    } catch (error) {
      skipped.push({ name, reason: error instanceof Error ? error.message.split("\n")[0]! : String(error) });
    }
  }
  throw new RuntimeError(
    "BACKEND_UNAVAILABLE",
    `no TF.js backend loads: ${skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}`,
  );
}

export function currentBackend(): BackendChoice | undefined {
  return current;
}

export function describeBackend(choice: BackendChoice): string {
  const extras =
    choice.name === "wasm" ? ` (simd ${choice.simd ? "on" : "off"}, threads ${choice.multithread ? "on" : "off"})` : "";
  return `${choice.name}${extras}`;
}
