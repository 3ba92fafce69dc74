import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@fleet/settings",
    environment: "node",
  },
});
