// Reconnect delays: exponential growth, the cap, and jitter within its bounds.
import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.ts";

describe("reconnect backoff", () => {
  it("grows exponentially up to the cap, with jitter inside the bounds", () => {
    const options = { initialMs: 100, maxMs: 1_000, jitter: 0.5 };
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, options, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, options, () => 0))).toEqual([50, 100, 200, 400, 500]);
  });
});
