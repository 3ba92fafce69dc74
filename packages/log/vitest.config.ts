import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@fleet/log",
    environment: "node",
  },
});
