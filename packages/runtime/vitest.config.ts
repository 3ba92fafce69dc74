import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@fleet/runtime",
    environment: "node",
    // Models load on the wasm backend; give room on a shared machine, never assert wall time.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
