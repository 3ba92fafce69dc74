// The timer that drives the rollout driver: one tick per interval (1 s), never two at once; problems
// are logged once per change (reportProblem), never thrown. Returns a stop function that waits for a
// running tick and releases this process's leases, so another console takes over at once.
import { describeError, reportProblem } from "../../log.ts";
import type { RolloutDriver } from "./rollout-driver.ts";

export function startRolloutTicker(driver: RolloutDriver, intervalMs = 1_000): () => Promise<void> {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = driver
      .tick()
      .then((result) => {
        const failed = result.steps.find((step) => step.error);
        reportProblem("rollouts", failed ? `rollout ${failed.rolloutId}: ${failed.error}` : null);
      })
      .catch((error: unknown) => reportProblem("rollouts", describeError(error)))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
    await driver.releaseLeases().catch(() => {});
  };
}
