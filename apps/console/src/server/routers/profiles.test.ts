import type { THardware } from "@fleet/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCallerHarness, trpcCode, trpcError, type TCallerHarness } from "../../testing/callers.ts";

let h: TCallerHarness;
let operator: Awaited<ReturnType<TCallerHarness["callerAs"]>>;
let viewer: Awaited<ReturnType<TCallerHarness["callerAs"]>>;

const hardware = (patch: Partial<THardware>): THardware => ({
  arch: "arm64",
  cpuModel: "",
  cores: 4,
  ramTotalMb: 4_000,
  ramFreeMb: 1_000,
  wasmSimd: true,
  engines: ["tfjs"],
  backends: ["wasm", "cpu"],
  nodeVersion: "v20.11.1",
  class: "gateway",
  ...patch,
});

beforeAll(async () => {
  h = await createCallerHarness();
  operator = await h.callerAs("OPERATOR");
  viewer = await h.callerAs("VIEWER");
  await h.db.prisma.device.createMany({
    data: [
      { id: "pi-1", name: "pi", credentialHash: "x", hardware: hardware({}) },
      {
        id: "watch-1",
        name: "watch",
        credentialHash: "x",
        deviceClass: "WEARABLE",
        hardware: hardware({ class: "wearable", ramTotalMb: 512 }),
      },
      { id: "new-1", name: "never seen", credentialHash: "x" },
    ],
  });
});
afterAll(async () => {
  await h?.close();
});

describe("hardware profiles", () => {
  it("creating a profile re-matches devices and each device says which profile matched and why", async () => {
    const created = await operator.caller.profiles.create({
      name: "Big gateways",
      priority: 10,
      rules: { classes: ["gateway"], ramMinMb: 2_048 },
      allowedPrecisions: ["int8", "fp16"],
      maxModelBytes: 5_000_000,
    });
    expect(created.rematched).toBe(3);
    const pi = await viewer.caller.devices.get({ id: "pi-1" });
    expect(pi.profile?.name).toBe("Big gateways");
    expect(pi.match.reason).toBe(
      'Matched "Big gateways" (priority 10): class gateway is gateway; RAM 4000 MB ≥ 2048 MB.',
    );
    const watch = await h.db.prisma.device.findUniqueOrThrow({ where: { id: "watch-1" } });
    expect(watch.profileId).toBeNull();
    expect(watch.profileReason).toContain("class wearable is not gateway");
    expect((await viewer.caller.devices.get({ id: "new-1" })).match.reason).toBe(
      "The device has not reported its hardware yet.",
    );
    // The engines each device's last birth reported (none yet: null, and only tfjs variants are sent).
    expect(pi.engines).toEqual(["tfjs"]);
    expect((await viewer.caller.devices.get({ id: "new-1" })).engines).toBeNull();

    const list = await viewer.caller.profiles.list();
    expect(list[0]).toMatchObject({ name: "Big gateways", deviceCount: 1, allowedPrecisions: ["int8", "fp16"] });
    const audit = await h.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "profile.create" } });
    expect(audit).toMatchObject({ entityId: created.profile.id, after: { name: "Big gateways" } });
  });

  it("editing rules moves devices between profiles, with before/after audited", async () => {
    const wear = await operator.caller.profiles.create({
      name: "Wearables",
      priority: 20,
      rules: { classes: ["wearable"] },
    });
    expect((await h.db.prisma.device.findUniqueOrThrow({ where: { id: "watch-1" } })).profileId).toBe(wear.profile.id);
    await operator.caller.profiles.update({
      id: wear.profile.id,
      profile: { name: "Wearables", priority: 20, rules: { classes: ["wearable"], ramMinMb: 1_024 } },
    });
    expect((await h.db.prisma.device.findUniqueOrThrow({ where: { id: "watch-1" } })).profileId).toBeNull();
    const audit = await h.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "profile.update", entityId: wear.profile.id },
    });
    expect(audit).toMatchObject({
      before: { rules: { classes: ["wearable"] } },
      after: { rules: { ramMinMb: 1_024 } },
    });
    await operator.caller.profiles.delete({ id: wear.profile.id });
    expect(await trpcCode(viewer.caller.profiles.get({ id: wear.profile.id }))).toBe("NOT_FOUND");
  });

  it("refuses bad rules and constraints with field errors; duplicate names conflict", async () => {
    const inverted = await trpcError(
      operator.caller.profiles.create({ name: "X", rules: { ramMinMb: 2_000, ramMaxMb: 1_000 } }),
    );
    expect(inverted.code).toBe("BAD_REQUEST");
    expect(inverted.message).toContain("Minimum RAM must not exceed maximum RAM.");
    const unknownRule = await trpcError(operator.caller.profiles.create({ name: "X", rules: { gpu: true } as never }));
    expect(unknownRule.code).toBe("BAD_REQUEST");
    const noPrecision = await trpcError(operator.caller.profiles.create({ name: "X", allowedPrecisions: [] }));
    expect(noPrecision.message).toContain("Allow at least one precision.");
    const preferred = await trpcError(
      operator.caller.profiles.create({ name: "X", allowedEngines: ["tfjs"], preferredEngine: "onnx" }),
    );
    expect(preferred.message).toContain("preferred engine");
    const noEngine = await trpcError(operator.caller.profiles.create({ name: "X", allowedEngines: [] }));
    expect(noEngine.code).toBe("BAD_REQUEST");
    expect(noEngine.message).toContain(
      "Allow at least one engine: a profile that forbids every engine can never be sent a variant.",
    );
    const editing = await trpcError(
      operator.caller.profiles.update({
        id: "nope",
        profile: { name: "X", allowedEngines: ["onnx"], preferredEngine: "tfjs" },
      }),
    );
    expect(editing.message).toContain("The preferred engine must be one of the allowed engines.");
    expect(await trpcCode(operator.caller.profiles.create({ name: "Big gateways" }))).toBe("CONFLICT");
  });

  it("allows, prefers and forbids engines; an edit keeps the preference it is given", async () => {
    const created = await operator.caller.profiles.create({
      name: "ONNX first",
      priority: 500,
      allowedEngines: ["onnx", "tfjs", "onnx"],
      preferredEngine: "onnx",
    });
    expect(created.profile).toMatchObject({ allowedEngines: ["onnx", "tfjs"], preferredEngine: "onnx" });
    const updated = await operator.caller.profiles.update({
      id: created.profile.id,
      profile: { name: "ONNX first", priority: 500, allowedEngines: ["tfjs"], preferredEngine: "tfjs" },
    });
    expect(updated.profile).toMatchObject({ allowedEngines: ["tfjs"], preferredEngine: "tfjs" });
    await operator.caller.profiles.delete({ id: created.profile.id });
  });

  it("viewers read profiles but cannot change them", async () => {
    expect((await viewer.caller.profiles.list()).length).toBeGreaterThan(0);
    expect(await trpcCode(viewer.caller.profiles.create({ name: "Nope" }))).toBe("FORBIDDEN");
    expect(await trpcCode(viewer.caller.profiles.rematch())).toBe("FORBIDDEN");
  });
});
