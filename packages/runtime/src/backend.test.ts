// The TF.js backend choice on this machine, and why the others were skipped.
import { describe, expect, it } from "vitest";
import { initBackend } from "./backend.ts";

describe("backend", () => {
  it("picks a backend and says which (tfjs-node is not installed here, so wasm)", async () => {
    const choice = await initBackend();
    expect(["tensorflow", "wasm", "cpu"]).toContain(choice.name);
    if (choice.name === "wasm") {
      expect(choice.skipped.map((s) => s.name)).toContain("tensorflow");
      expect(typeof choice.simd).toBe("boolean");
    }
  });
});
