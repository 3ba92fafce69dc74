// Hardware detection for the birth message: what the console matches hardware profiles against.
import os from "node:os";
import type { BackendChoice } from "@fleet/runtime";
import type { THardware, THardwareClass } from "@fleet/protocol";

// Smallest module using a v128 instruction (the probe of wasm-feature-detect): validates only with SIMD.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

// lib ES2023 has no WebAssembly types; Node has the global.
const wasm = (globalThis as unknown as { WebAssembly?: { validate(bytes: Uint8Array): boolean } }).WebAssembly;

export function wasmSimdSupported(): boolean {
  try {
    return wasm?.validate(SIMD_PROBE) ?? false;
  } catch {
    return false;
  }
}

/** Backends known to load: the one the runtime picked, and the pure-JS cpu backend TF.js always has. */
export function loadedBackends(choice: BackendChoice | undefined): string[] {
  if (!choice) return [];
  return [...new Set([choice.name, "cpu"])];
}

const MB = 1024 * 1024;

export function ramFreeMb(): number {
  return Math.round(os.freemem() / MB);
}

/** `engines`: the probed engines that load here; `backend`: the TF.js backend when tfjs is one of them. */
export function detectHardware(
  deviceClass: THardwareClass,
  engines: readonly string[],
  backend: BackendChoice | undefined,
): THardware {
  const cpus = os.cpus();
  return {
    arch: process.arch,
    cpuModel: (cpus[0]?.model ?? "").trim().slice(0, 256),
    cores: Math.max(1, os.availableParallelism?.() ?? cpus.length),
    ramTotalMb: Math.round(os.totalmem() / MB),
    ramFreeMb: ramFreeMb(),
    wasmSimd: wasmSimdSupported(),
    engines: [...engines],
    backends: loadedBackends(backend),
    nodeVersion: process.version,
    class: deviceClass,
  };
}
