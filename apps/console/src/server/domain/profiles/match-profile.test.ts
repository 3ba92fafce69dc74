import type { THardware } from "@fleet/protocol";
import { describe, expect, it } from "vitest";
import { matchProfile } from "./match-profile.ts";

const pi: THardware = {
  arch: "arm64",
  cpuModel: "Cortex-A72",
  cores: 4,
  ramTotalMb: 3_800,
  ramFreeMb: 2_000,
  wasmSimd: true,
  engines: ["tfjs"],
  backends: ["wasm", "cpu"],
  nodeVersion: "v20.11.1",
  class: "gateway",
};
const watch: THardware = {
  ...pi,
  arch: "arm",
  cores: 2,
  ramTotalMb: 512,
  wasmSimd: false,
  backends: ["cpu"],
  class: "wearable",
};

const profiles = [
  {
    id: "p-big",
    name: "Big gateways",
    priority: 10,
    rules: { classes: ["gateway"], ramMinMb: 2_048, backends: ["wasm"] },
  },
  { id: "p-wear", name: "Wearables", priority: 20, rules: { classes: ["wearable"], ramMaxMb: 1_024 } },
  { id: "p-any", name: "Fallback", priority: 1_000, rules: {} },
];

describe("matchProfile", () => {
  it("picks the highest-priority profile whose rules all hold, and says why", () => {
    expect(matchProfile(pi, profiles)).toEqual({
      profile: { id: "p-big", name: "Big gateways" },
      reason:
        'Matched "Big gateways" (priority 10): class gateway is gateway; RAM 3800 MB ≥ 2048 MB; backends wasm load.',
    });
  });

  it("explains the profiles skipped on the way", () => {
    const match = matchProfile(watch, profiles);
    expect(match.profile?.id).toBe("p-wear");
    expect(match.reason).toContain('"Big gateways": class wearable is not gateway');
  });

  it("falls back to a rule-less profile; without one, names each miss", () => {
    const x64 = { ...pi, class: "gateway" as const, ramTotalMb: 1_000 };
    expect(matchProfile(x64, profiles).profile?.id).toBe("p-any");
    expect(matchProfile(x64, profiles).reason).toContain("matches every device");
    const none = matchProfile(x64, profiles.slice(0, 2));
    expect(none).toEqual({
      profile: null,
      reason: 'No profile matched: "Big gateways": RAM 1000 MB < 2048 MB; "Wearables": class gateway is not wearable.',
    });
  });

  it("checks SIMD, cores, arch and engines; ties on priority go by name", () => {
    const rules = { arch: ["x64"], wasmSimd: true, coresMin: 8, engines: ["onnx"] };
    const reason = matchProfile(pi, [{ id: "a", name: "A", priority: 1, rules }]).reason;
    expect(reason).toBe('No profile matched: "A": arch arm64 is not one of x64.');
    const noSimd = matchProfile(watch, [{ id: "s", name: "S", priority: 1, rules: { wasmSimd: true } }]).reason;
    expect(noSimd).toContain("wasm SIMD unavailable (needs available)");
    const tie = matchProfile(pi, [
      { id: "z", name: "Zulu", priority: 5, rules: {} },
      { id: "a", name: "Alpha", priority: 5, rules: {} },
    ]);
    expect(tie.profile?.name).toBe("Alpha");
    const onnx = matchProfile(pi, [{ id: "o", name: "O", priority: 1, rules: { engines: ["onnx", "tfjs"] } }]);
    expect(onnx.reason).toContain("engine onnx does not load");
  });

  it("no hardware yet, unreadable hardware, invalid stored rules", () => {
    expect(matchProfile(null, profiles).reason).toBe("The device has not reported its hardware yet.");
    expect(matchProfile({ arch: 1 }, profiles).reason).toBe("The reported hardware is unreadable.");
    expect(matchProfile(pi, [{ id: "b", name: "Broken", priority: 1, rules: { ramMinMb: "lots" } }]).reason).toContain(
      "its rules are invalid",
    );
    expect(matchProfile(pi, []).reason).toBe("No hardware profile is defined yet.");
  });
});
