// The rollouts router through createCaller (mounted on its own router here; root.ts registers it too).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryDesiredPublisher } from "../domain/rollouts/memory-desired-publisher.ts";
import { RolloutDriver } from "../domain/rollouts/rollout-driver.ts";
import {
  fakeDescribe,
  seedFleet,
  SimulatedAgents,
  type TFleetFixture,
} from "../domain/rollouts/testing/rollout-fixtures.ts";
import { createCallerHarness, trpcCode, trpcError, testConfig, type TCallerHarness } from "../../testing/callers.ts";
import { createCallerFactory, createContextInner, createTRPCRouter } from "../trpc.ts";
import { rolloutsRouter } from "./rollouts.ts";

const createCaller = createCallerFactory(createTRPCRouter({ rollouts: rolloutsRouter }));

let h: TCallerHarness;
let fleet: TFleetFixture;
let operator: ReturnType<typeof createCaller>;
let viewer: ReturnType<typeof createCaller>;

beforeAll(async () => {
  h = await createCallerHarness();
  const as = async (role: "OPERATOR" | "VIEWER") => {
    const { token } = await h.callerAs(role);
    return createCaller(
      await createContextInner({
        db: { prisma: h.db.prisma, url: h.db.url, embedded: true },
        sessionToken: token,
        config: testConfig,
      }),
    );
  };
  operator = await as("OPERATOR");
  viewer = await as("VIEWER");
  fleet = await seedFleet(h.db.prisma, { gateways: 6, wearables: 3 });
});
afterAll(async () => {
  await h?.close();
});

describe("rollouts router", () => {
  it("previews with the real chooser, creates with audit, runs, and shows progress per wave", async () => {
    const input = {
      modelId: fleet.modelId,
      target: { kind: "all" as const },
      strategy: { wavePercents: [50, 100], soakSeconds: 0 },
    };
    const preview = await viewer.rollouts.preview(input);
    expect(preview.byVariant.map((v) => [v.name, v.devices])).toEqual([
      ["fp16", 6],
      ["int4", 3],
    ]);
    expect(preview.incompatibleCount).toBe(1);

    expect(await trpcCode(viewer.rollouts.create({ ...input, name: "x" }))).toBe("FORBIDDEN");
    const created = await operator.rollouts.create({ ...input, name: "Model v2" });
    const audit = await h.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "rollout.create", entityId: created.id },
    });
    expect(audit.actorLabel).toMatch(/^operator-/);

    await operator.rollouts.start({ id: created.id });
    expect((await trpcError(operator.rollouts.start({ id: created.id }))).message).toBe(
      "Cannot start a rollout that is running.",
    );

    const publisher = new MemoryDesiredPublisher();
    const agents = new SimulatedAgents(h.db.prisma, publisher, () => new Date());
    agents.boot([...fleet.gateways, ...fleet.wearables], fleet.oldVariantId);
    const driver = new RolloutDriver({ prisma: h.db.prisma, publisher, describeVariant: fakeDescribe });
    for (let i = 0; i < 6; i++) {
      await driver.tick();
      await agents.deliver();
    }
    const detail = await viewer.rollouts.get({ id: created.id });
    expect(detail.status).toBe("COMPLETED");
    expect(detail.waves.map((w) => [w.wave, w.counts.ACTIVE])).toEqual([
      [0, 0],
      [1, 5],
      [2, 4],
    ]);
    expect(detail.progress.at(-1)).toMatchObject({ sent: 9, active: 9, failed: 0 });

    const page = await viewer.rollouts.devices({ id: created.id, state: "INCOMPATIBLE" });
    expect(page.devices).toHaveLength(1);
    expect(page.devices[0]?.reason).toContain("No hardware profile");
    const list = await viewer.rollouts.list();
    expect(list[0]).toMatchObject({ id: created.id, status: "COMPLETED", counts: { ACTIVE: 9, INCOMPATIBLE: 1 } });
  });

  it("refuses bad strategies with field errors and impossible transitions with CONFLICT", async () => {
    const bad = await trpcError(
      operator.rollouts.create({
        name: "x",
        modelId: fleet.modelId,
        target: { kind: "all" },
        strategy: { wavePercents: [50, 20, 100] },
      }),
    );
    expect(bad.code).toBe("BAD_REQUEST");
    expect(await trpcCode(operator.rollouts.create({ name: "x", modelId: "nope", target: { kind: "all" } }))).toBe(
      "NOT_FOUND",
    );
    expect(
      (
        await trpcError(
          operator.rollouts.create({
            name: "x",
            modelId: fleet.modelId,
            target: { kind: "devices", deviceIds: ["ghost-1"] },
          }),
        )
      ).message,
    ).toBe("Unknown or disabled devices: ghost-1.");
    const draft = await operator.rollouts.create({
      name: "draft",
      modelId: fleet.modelId,
      target: { kind: "profiles", profileIds: [fleet.profiles.wearable] },
    });
    expect(await trpcCode(operator.rollouts.pause({ id: draft.id }))).toBe("CONFLICT");
    expect(await trpcCode(operator.rollouts.rollback({ id: draft.id }))).toBe("CONFLICT");
    await operator.rollouts.abort({ id: draft.id, reason: "changed my mind" });
    expect((await viewer.rollouts.get({ id: draft.id })).reason).toBe("changed my mind");
  });
});
