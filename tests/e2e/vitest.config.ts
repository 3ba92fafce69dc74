import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@fleet/e2e",
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
