import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@fleet/broker",
    environment: "node",
    // Tests open real sockets on ephemeral ports; give slow CI machines room without asserting times.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
