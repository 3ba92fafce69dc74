// transitionRollout on a real database (PGlite): the guard, the effect and the audit event commit
// together or not at all, and only a transition that happened is logged.
import { createTestDatabase, type TTestDatabase } from "@fleet/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "../audit/record-audit.ts";
import type { TRolloutLogger } from "./rollout-deps.ts";
import { transitionRollout } from "./transition-rollout.ts";

const actor: TActor = { id: null, label: "test-driver" };

let db: TTestDatabase;
let modelId: string;
beforeAll(async () => {
  db = await createTestDatabase({ kind: "pglite" });
  const model = await db.prisma.model.create({
    data: {
      name: "transition model",
      format: "tfjs-layers",
      inputShape: [4],
      sourceSha256: "a".repeat(64),
      sourceBytes: 1,
      status: "READY",
    },
    select: { id: true },
  });
  modelId = model.id;
});
afterAll(async () => {
  await db?.close();
});

async function runningRollout(currentWave: number): Promise<string> {
  const rollout = await db.prisma.rollout.create({
    data: { name: "r", modelId, target: {}, strategy: {}, gates: {}, status: "RUNNING", currentWave },
    select: { id: true },
  });
  return rollout.id;
}

function recordingLogger(): TRolloutLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message, fields) => lines.push(`info ${message} ${JSON.stringify(fields)}`),
    warn: (message, fields) => lines.push(`warn ${message} ${JSON.stringify(fields)}`),
  };
}

const auditOf = (rolloutId: string) =>
  db.prisma.auditEvent.findMany({
    where: { entityType: "rollout", entityId: rolloutId },
    select: { actorLabel: true, action: true, before: true, after: true },
  });

describe("transitionRollout", () => {
  it("changes the rollout, runs the effect and audits it in one go, then logs, and returns its name", async () => {
    const rolloutId = await runningRollout(1);
    const log = recordingLogger();
    const made = await transitionRollout({
      prisma: db.prisma,
      actor,
      log,
      rolloutId,
      name: "wave 2",
      from: { status: "RUNNING", currentWave: 1 },
      set: { currentWave: 2 },
      effect: async (tx) => (await tx.rollout.count({ where: { id: rolloutId, currentWave: 2 } })) * 7,
      audit: (sent) => ({ action: "rollout.wave", before: { wave: 1 }, after: { wave: 2, devicesSent: sent } }),
      logLine: (sent) => ({ level: "info", message: "wave started", fields: { devices: sent } }),
    });
    expect(made).toBe("wave 2");
    // The effect ran after the update, in its transaction (it saw wave 2).
    expect(await auditOf(rolloutId)).toEqual([
      { actorLabel: "test-driver", action: "rollout.wave", before: { wave: 1 }, after: { wave: 2, devicesSent: 7 } },
    ]);
    expect(log.lines).toEqual(['info wave started {"devices":7}']);
    expect((await db.prisma.rollout.findUniqueOrThrow({ where: { id: rolloutId } })).currentWave).toBe(2);
  });

  it("does nothing when the rollout moved on: no change, no effect, no audit event, no log line", async () => {
    const rolloutId = await runningRollout(2);
    const log = recordingLogger();
    let effects = 0;
    const made = await transitionRollout({
      prisma: db.prisma,
      actor,
      log,
      rolloutId,
      name: "RUNNING→COMPLETED",
      // Seen at wave 1; another step already went on to wave 2.
      from: { status: "RUNNING", currentWave: 1 },
      set: { status: "COMPLETED" },
      effect: async () => {
        effects += 1;
      },
      audit: () => ({ action: "rollout.complete", before: null, after: null }),
      logLine: () => ({ level: "info", message: "completed", fields: {} }),
    });
    expect(made).toBeNull();
    expect(effects).toBe(0);
    expect(await auditOf(rolloutId)).toEqual([]);
    expect(log.lines).toEqual([]);
    expect(await db.prisma.rollout.findUniqueOrThrow({ where: { id: rolloutId } })).toMatchObject({
      status: "RUNNING",
      currentWave: 2,
    });
  });

  it("guards on the status alone when no wave is given", async () => {
    const rolloutId = await runningRollout(3);
    const log = recordingLogger();
    const made = await transitionRollout({
      prisma: db.prisma,
      actor,
      log,
      rolloutId,
      name: "RUNNING→PAUSED",
      from: { status: "RUNNING" },
      set: { status: "PAUSED", reason: "test" },
      audit: () => ({ action: "rollout.gate_failed", before: { status: "RUNNING" }, after: { status: "PAUSED" } }),
      logLine: () => ({ level: "warn", message: "paused", fields: { reason: "test" } }),
    });
    expect(made).toBe("RUNNING→PAUSED");
    expect(log.lines).toEqual(['warn paused {"reason":"test"}']);
    expect((await auditOf(rolloutId)).map((event) => event.action)).toEqual(["rollout.gate_failed"]);
  });

  it("rolls the change back when the effect fails: the rollout stays where it was, unaudited and unlogged", async () => {
    const rolloutId = await runningRollout(1);
    const log = recordingLogger();
    await expect(
      transitionRollout({
        prisma: db.prisma,
        actor,
        log,
        rolloutId,
        name: "wave 2",
        from: { status: "RUNNING", currentWave: 1 },
        set: { currentWave: 2 },
        effect: async () => {
          throw new Error("issuing revisions failed");
        },
        audit: () => ({ action: "rollout.wave", before: null, after: null }),
        logLine: () => ({ level: "info", message: "wave started", fields: {} }),
      }),
    ).rejects.toThrow("issuing revisions failed");
    expect((await db.prisma.rollout.findUniqueOrThrow({ where: { id: rolloutId } })).currentWave).toBe(1);
    expect(await auditOf(rolloutId)).toEqual([]);
    expect(log.lines).toEqual([]);
  });
});
