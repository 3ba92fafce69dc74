import type { PrismaClient } from "@fleet/db";
import { rematchDevices } from "../domain/profiles/rematch-devices.ts";
import { describeError, reportProblem } from "../log.ts";

/**
 * Agents report new hardware through the broker, which knows nothing of profiles: the console
 * re-matches devices periodically (only changed rows are written). Returns a stop function.
 */
export function startRematchLoop(prisma: PrismaClient, intervalMs = 60_000): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await rematchDevices({ prisma });
      reportProblem("profile re-match", null);
    } catch (error) {
      reportProblem("profile re-match", describeError(error));
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
