// @fleet/quantize and @fleet/runtime (TF.js, WASM binaries, an optional native backend) are kept out
// of the Next bundle: code reachable from routes loads them through these functions at run time,
// where Node resolves them like main.ts does (TypeScript source through the tsx loader that
// bin/fleet-console.mjs registers), so the process holds one copy and one TF.js engine.
// Type-only imports of the two packages are fine anywhere.

export function loadQuantize(): Promise<typeof import("@fleet/quantize")> {
  return import(/* turbopackIgnore: true */ /* webpackIgnore: true */ "@fleet/quantize");
}

export function loadRuntime(): Promise<typeof import("@fleet/runtime")> {
  return import(/* turbopackIgnore: true */ /* webpackIgnore: true */ "@fleet/runtime");
}
