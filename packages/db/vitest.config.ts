import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@fleet/db",
    environment: "node",
    // Databases are real (PGlite, PostgreSQL): give set-up room, never assert wall time.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
