import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@fleet/quantize",
    environment: "node",
    // Real models run on the wasm backend on a shared 2-core machine: room, never wall-time asserts.
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});
