import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@fleet/console",
    environment: "node",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    // Tests open real databases and sockets; the end-to-end test sets its own, longer, hook timeout.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
