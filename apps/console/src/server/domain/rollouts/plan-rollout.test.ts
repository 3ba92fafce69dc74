// planRollout (pure): the choice per profile and reported engines, waves, determinism per seed.
import { describe, expect, it } from "vitest";
import { planRollout, waveIndexFor, type TPlanDevice } from "./plan-rollout.ts";
import type { TRolloutProfile, TRolloutVariant } from "./rollout-deps.ts";
import { ZRolloutStrategy } from "./rollout.types.ts";
import { chooseRolloutVariant } from "./choose-rollout-variant.ts";
import { simpleChooser } from "./testing/rollout-fixtures.ts";

const profile = (id: string, patch: Partial<TRolloutProfile>): TRolloutProfile => ({
  id,
  name: id,
  maxModelBytes: null,
  ramBudgetMb: null,
  allowedPrecisions: ["fp32", "fp16", "uint8", "int8", "int4", "mixed"],
  allowedEngines: ["tfjs", "onnx"],
  preferredEngine: null,
  latencyBudgetMs: null,
  ...patch,
});
const variant = (
  id: string,
  precision: TRolloutVariant["precision"],
  bytes: number,
  accuracy: number,
): TRolloutVariant => ({
  id,
  modelId: "m",
  name: id,
  precision,
  engine: "tfjs",
  bytes,
  sha256: "a".repeat(64),
  signature: "s",
  artifactKey: "a".repeat(64),
  metrics: { accuracy },
});
const variants = [
  variant("fp16", "fp16", 4_000, 0.99),
  variant("int8", "int8", 2_000, 0.98),
  variant("int4", "int4", 1_000, 0.95),
];
const gw = profile("gw", { allowedPrecisions: ["fp16", "int8"] });
const wr = profile("wr", { allowedPrecisions: ["int8", "int4"], maxModelBytes: 1_500 });
const tiny = profile("tiny", { maxModelBytes: 10 });
const devices = (count: number, prof: TRolloutProfile | null, prefix: string): TPlanDevice[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    name: `${prefix} ${i}`,
    profile: prof,
    profileReason: prof ? null : "No profile matched: arch riscv64.",
    reportedEngines: ["tfjs"],
  }));

describe("planRollout", () => {
  const fleet = [
    ...devices(300, gw, "gw"),
    ...devices(100, wr, "wr"),
    ...devices(2, tiny, "tiny"),
    ...devices(1, null, "odd"),
  ];
  const strategy = ZRolloutStrategy.parse({});

  it("chooses per profile and reports incompatible devices with the reason, never a variant that does not fit", () => {
    const plan = planRollout({ devices: fleet, variants, chooseVariant: simpleChooser, strategy, seed: "m" });
    expect(plan.byVariant.map((v) => [v.variantId, v.devices, v.profiles])).toEqual([
      ["fp16", 300, ["gw"]],
      ["int4", 100, ["wr"]],
    ]);
    expect(plan.incompatible.map((d) => d.deviceId)).toEqual(["odd-0", "tiny-0", "tiny-1"]);
    expect(plan.incompatible[0]!.reason).toBe("No hardware profile: No profile matched: arch riscv64.");
    expect(plan.incompatible[1]!.reason).toContain('No variant fits "tiny"');
    expect(
      plan.devices.filter((d) => d.state === "INCOMPATIBLE").every((d) => d.wave === 0 && d.variantId === null),
    ).toBe(true);
    expect(plan.compatibleCount).toBe(400);
  });

  it("assigns default waves 1 % → 10 % → 50 % → 100 % per variant, with a canary of every variant in wave 1", () => {
    const plan = planRollout({ devices: fleet, variants, chooseVariant: simpleChooser, strategy, seed: "m" });
    expect(plan.waves.map((w) => [w.wave, w.percent, w.devices, w.byVariant])).toEqual([
      [1, 1, 4, { fp16: 3, int4: 1 }],
      [2, 10, 36, { fp16: 27, int4: 9 }],
      [3, 50, 160, { fp16: 120, int4: 40 }],
      [4, 100, 200, { fp16: 150, int4: 50 }],
    ]);
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const a = planRollout({ devices: fleet, variants, chooseVariant: simpleChooser, strategy, seed: "m" });
    const b = planRollout({
      devices: [...fleet].reverse(),
      variants,
      chooseVariant: simpleChooser,
      strategy,
      seed: "m",
    });
    const c = planRollout({ devices: fleet, variants, chooseVariant: simpleChooser, strategy, seed: "other" });
    const firstWave = (plan: typeof a) => plan.devices.filter((d) => d.wave === 1).map((d) => d.deviceId);
    expect(firstWave(b)).toEqual(firstWave(a));
    expect(firstWave(c)).not.toEqual(firstWave(a));
  });

  it("drops waves a small fleet leaves empty, keeping at least one device in wave 1", () => {
    const plan = planRollout({
      devices: devices(3, gw, "gw"),
      variants,
      chooseVariant: simpleChooser,
      strategy,
      seed: "m",
    });
    expect(plan.waves.map((w) => [w.wave, w.percent, w.devices])).toEqual([
      [1, 1, 1],
      [2, 50, 1],
      [3, 100, 1],
    ]);
    const one = planRollout({
      devices: devices(1, gw, "gw"),
      variants,
      chooseVariant: simpleChooser,
      strategy,
      seed: "m",
    });
    expect(one.waves).toEqual([{ wave: 1, percent: 1, devices: 1, byVariant: { fp16: 1 } }]);
  });

  it("treats a chooser answer outside the model's variants as incompatible", () => {
    const plan = planRollout({
      devices: devices(2, gw, "gw"),
      variants,
      chooseVariant: () => ({ variantId: "other-model-variant", reason: "?" }),
      strategy,
      seed: "m",
    });
    expect(plan.compatibleCount).toBe(0);
    expect(plan.incompatible[0]!.reason).toContain("unknown variant");
    expect(
      planRollout({ devices: devices(1, gw, "gw"), variants: [], chooseVariant: simpleChooser, strategy, seed: "m" })
        .incompatible[0]!.reason,
    ).toBe("The model has no variants.");
  });

  it("chooses per profile and reported engines: a device never gets a variant of an engine it did not report", () => {
    const onnxInt8: TRolloutVariant = { ...variant("onnx-int8", "int8", 2_100, 0.98), engine: "onnx" };
    const both = [...variants, onnxInt8];
    const prefersOnnx = profile("gw", { allowedPrecisions: ["int8"], preferredEngine: "onnx" });
    const fleet: TPlanDevice[] = [
      ...devices(2, prefersOnnx, "tfjs").map((d) => ({ ...d, reportedEngines: ["tfjs"] })),
      ...devices(2, prefersOnnx, "onnx").map((d) => ({ ...d, reportedEngines: ["onnx", "tfjs"] })),
      ...devices(1, prefersOnnx, "unknown").map((d) => ({ ...d, reportedEngines: null })),
    ];
    const plan = planRollout({
      devices: fleet,
      variants: both,
      chooseVariant: chooseRolloutVariant,
      strategy,
      seed: "m",
    });
    const byDevice = new Map(plan.devices.map((d) => [d.deviceId, d]));
    expect(["tfjs-0", "tfjs-1", "unknown-0"].map((id) => byDevice.get(id)?.variantId)).toEqual([
      "int8",
      "int8",
      "int8",
    ]);
    expect(["onnx-0", "onnx-1"].map((id) => byDevice.get(id)?.variantId)).toEqual(["onnx-int8", "onnx-int8"]);
    expect(byDevice.get("tfjs-0")?.reason).toContain(
      "onnx-int8 (engine onnx does not load on this device (it reports tfjs))",
    );
    expect(byDevice.get("unknown-0")?.reason).toContain("it has not reported its engines; only tfjs is assumed");
    expect(byDevice.get("onnx-0")?.reason).toMatch(/^Chose onnx-int8 \(int8, onnx, .*onnx is the preferred engine/);
    expect(plan.byVariant.map((v) => [v.name, v.engine, v.devices])).toEqual([
      ["int8", "tfjs", 3],
      ["onnx-int8", "onnx", 2],
    ]);
  });

  it("refuses a chooser's answer whose engine the device does not run", () => {
    const onnxOnly: TRolloutVariant = { ...variant("onnx-int8", "int8", 2_000, 0.98), engine: "onnx" };
    const careless = () => ({ variantId: "onnx-int8", reason: "fastest" });
    const plan = planRollout({
      devices: devices(1, gw, "gw"),
      variants: [onnxOnly],
      chooseVariant: careless,
      strategy,
      seed: "m",
    });
    expect(plan.compatibleCount).toBe(0);
    expect(plan.incompatible[0]!.reason).toBe(
      "The chooser named onnx-int8, but engine onnx does not load on this device (it reports tfjs); nothing is sent.",
    );
  });

  it("computes wave reach without floating point surprises", () => {
    expect([0, 1, 2, 3].map((i) => waveIndexFor(i, 30, [10, 100]))).toEqual([0, 0, 0, 1]);
  });
});
