import { defineProject } from "vitest/config";

// Security regression tests: each test proves one hole closed and fails on a tree that has it.
export default defineProject({
  test: {
    name: "@fleet/security",
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
