// judgeGates (pure): soak time, the activation, error, latency and report gates, wait/pass/fail.
import { describe, expect, it } from "vitest";
import { EMPTY_COUNTS, judgeGates, type TGateMetrics } from "./evaluate-gates.ts";
import { ZRolloutGates } from "./rollout.types.ts";

describe("judgeGates", () => {
  const gates = ZRolloutGates.parse({});
  const t0 = new Date("2030-01-01T00:00:00Z");
  const after = (s: number) => new Date(t0.getTime() + s * 1000);
  const metrics = (
    patch: Partial<Omit<TGateMetrics, "counts">> & { counts?: Partial<TGateMetrics["counts"]> },
  ): TGateMetrics => ({
    inferences: 0,
    errors: 0,
    latency: [],
    ...patch,
    counts: { ...EMPTY_COUNTS, ...patch.counts },
  });
  const judge = (m: TGateMetrics, seconds: number) =>
    judgeGates({ metrics: m, gates, strategy: { soakSeconds: 60 }, waveStartedAt: t0, now: after(seconds) });

  it("waits for the soak time, then passes when every gate holds", () => {
    const good = metrics({
      counts: { ACTIVE: 10 },
      inferences: 1000,
      errors: 1,
      latency: [{ profileId: "p", profileName: "gw", latencyBudgetMs: 50, p95AfterMs: 12, p95BeforeMs: 10 }],
    });
    expect(judge(good, 30)).toMatchObject({ verdict: "wait", summary: "Soaking: 30 s left." });
    const passed = judge(good, 60);
    expect(passed.verdict).toBe("pass");
    expect(passed.checks.map((c) => c.text)).toEqual([
      "10 of 10 devices reported an outcome (100 %; needs 90 %)",
      "10 active, 0 failed: 100 % activated (needs ≥ 95 %)",
      "1 errors in 1000 inferences: 0.1 % (limit 1 %)",
      "gw: p95 12 ms, budget 50 ms, before 10 ms",
    ]);
  });

  it("fails at once, before the soak, when activation can no longer reach its threshold", () => {
    const verdict = judge(metrics({ counts: { ROLLED_BACK: 1, SENT: 3 } }), 1);
    expect(verdict.verdict).toBe("fail");
    expect(verdict.summary).toBe("Activation gate failed: 0 active, 1 failed: 0 % activated (needs ≥ 95 %).");
  });

  it("fails on error rate and on latency over the budget or over the factor", () => {
    expect(judge(metrics({ counts: { ACTIVE: 5 }, inferences: 100, errors: 5 }), 60).summary).toBe(
      "Errors gate failed: 5 errors in 100 inferences: 5 % (limit 1 %).",
    );
    const slow = judge(
      metrics({
        counts: { ACTIVE: 5 },
        latency: [{ profileId: "p", profileName: "wr", latencyBudgetMs: 200, p95AfterMs: 250, p95BeforeMs: 100 }],
      }),
      60,
    );
    expect(slow.summary).toBe(
      "Latency gate failed: wr: p95 250 ms, budget 200 ms, before 100 ms — over the budget of 200 ms and more than 1.5× the 100 ms before.",
    );
    const regressed = judge(
      metrics({
        counts: { ACTIVE: 5 },
        latency: [{ profileId: null, profileName: "gw", latencyBudgetMs: null, p95AfterMs: 40, p95BeforeMs: 10 }],
      }),
      60,
    );
    expect(regressed.verdict).toBe("fail");
  });

  it("waits for reports (offline devices) until the report timeout, then fails", () => {
    const partly = metrics({ counts: { ACTIVE: 8, SENT: 2 } });
    expect(judge(partly, 120)).toMatchObject({ verdict: "wait" });
    expect(judge(partly, 120).summary).toContain("8 of 10 devices reported");
    expect(judge(partly, 1800)).toMatchObject({ verdict: "fail" });
    expect(judge(metrics({ counts: { ACTIVE: 9, SENT: 1 } }), 120).verdict).toBe("pass");
  });
});
