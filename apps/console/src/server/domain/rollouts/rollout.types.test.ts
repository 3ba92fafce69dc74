// The zod schemas of the rollout's Json columns: target, strategy and gates, with their defaults.
import { describe, expect, it } from "vitest";
import { ZRolloutGates, ZRolloutStrategy, ZRolloutTarget } from "./rollout.types.ts";

describe("schemas of the Json columns", () => {
  it("validates targets, strategies and gates with defaults", () => {
    expect(ZRolloutTarget.safeParse({ kind: "tags", tags: [] }).success).toBe(false);
    expect(ZRolloutTarget.parse({ kind: "tags", tags: ["Berlin"] })).toEqual({ kind: "tags", tags: ["berlin"] });
    expect(ZRolloutTarget.safeParse({ kind: "devices", deviceIds: ["Bad Id"] }).success).toBe(false);
    expect(ZRolloutStrategy.parse({})).toEqual({ wavePercents: [1, 10, 50, 100], soakSeconds: 300 });
    expect(ZRolloutStrategy.safeParse({ wavePercents: [10, 5, 100] }).error?.issues[0]?.message).toBe(
      "Wave percentages must increase.",
    );
    expect(ZRolloutStrategy.safeParse({ wavePercents: [10, 50] }).error?.issues[0]?.message).toBe(
      "The last wave must reach 100 %.",
    );
    expect(ZRolloutGates.parse({})).toEqual({
      minActivationPct: 95,
      maxErrorPct: 1,
      latencyFactor: 1.5,
      minReportedPct: 90,
      reportTimeoutSeconds: 1800,
    });
  });
});
