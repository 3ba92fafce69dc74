import { defineProject } from "vitest/config";

export default defineProject({
  // End-to-end tests run real brokers, downloads and model loads: generous bounds for a busy CI box.
  test: { name: "@fleet/agent", environment: "node", testTimeout: 60_000, hookTimeout: 60_000 },
});
