import { defineConfig } from "vitest/config";

// One root config; every workspace package is a project (vitest `projects`).
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "tests/*"],
  },
});
