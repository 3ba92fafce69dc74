import { describe, expect, it } from "vitest";
import {
  chooseVariant,
  deviceRunsEngine,
  reportedEnginesOf,
  type TChoosableProfile,
  type TChoosableVariant,
} from "./choose-variant.ts";

const anyProfile: TChoosableProfile = {
  name: "Any",
  maxModelBytes: null,
  ramBudgetMb: null,
  allowedPrecisions: ["fp32", "fp16", "uint8", "int8", "int4", "mixed"],
  allowedEngines: ["tfjs", "onnx"],
  preferredEngine: null,
  latencyBudgetMs: null,
};
const runtime = (p95Ms: number, modelMB = 0.4) => ({ latency: { medianMs: p95Ms / 2, p95Ms }, modelMB });
const variants: TChoosableVariant[] = [
  {
    id: "v32",
    name: "fp32",
    precision: "fp32",
    engine: "tfjs",
    bytes: 106_676,
    metrics: { accuracy: 94, agreement: 100, runtime: runtime(6.8) },
  },
  {
    id: "v16",
    name: "fp16",
    precision: "fp16",
    engine: "tfjs",
    bytes: 55_788,
    metrics: { accuracy: 94, agreement: 100, runtime: runtime(5.4) },
  },
  {
    id: "v8",
    name: "int8-channel",
    precision: "int8",
    engine: "tfjs",
    bytes: 30_542,
    metrics: { accuracy: 93.5, agreement: 99, runtime: runtime(0.3) },
  },
  {
    id: "v4",
    name: "int4-group",
    precision: "int4",
    engine: "tfjs",
    bytes: 19_095,
    metrics: { accuracy: 91, agreement: 96, runtime: runtime(0.3) },
  },
];

describe("chooseVariant", () => {
  it("picks the most accurate variant; a tie goes to the smaller", () => {
    const choice = chooseVariant(anyProfile, variants);
    expect(choice.variant).toEqual({ id: "v16", name: "fp16" });
    expect(choice.reason).toBe(
      'Chose fp16 (fp16, tfjs, 55.8 kB, accuracy 94.00 %): the most accurate of 4 variants that fit "Any"; ties with fp32 go to the smaller.',
    );
    expect(choice.excluded).toEqual([]);
  });

  it("applies size, precision, latency and RAM constraints and names what each excluded", () => {
    const small = chooseVariant(
      { ...anyProfile, name: "Wearables", maxModelBytes: 40_000, allowedPrecisions: ["int8", "int4", "fp32"] },
      variants,
    );
    expect(small.variant?.name).toBe("int8-channel");
    expect(small.excluded).toEqual([
      { id: "v32", name: "fp32", why: "106.7 kB > max 40.0 kB" },
      { id: "v16", name: "fp16", why: "precision fp16 not allowed" },
    ]);
    expect(small.reason).toContain("Excluded: fp32 (106.7 kB > max 40.0 kB); fp16 (precision fp16 not allowed).");
    const fast = chooseVariant({ ...anyProfile, latencyBudgetMs: 1 }, variants);
    expect(fast.variant?.name).toBe("int8-channel");
    expect(fast.excluded.map((e) => e.why)).toEqual([
      "p95 latency 6.80 ms > budget 1 ms",
      "p95 latency 5.40 ms > budget 1 ms",
    ]);
    const tiny = chooseVariant({ ...anyProfile, ramBudgetMb: 1 }, [
      { ...variants[0]!, metrics: { accuracy: 94, runtime: runtime(1, 3) } },
      variants[3]!,
    ]);
    expect(tiny.variant?.name).toBe("int4-group");
    expect(tiny.excluded[0]?.why).toBe("needs 3.0 MB of RAM > budget 1 MB");
  });

  it("explains when nothing fits, and when there is nothing to choose from", () => {
    const none = chooseVariant({ ...anyProfile, name: "Tiny", maxModelBytes: 1_000 }, variants);
    expect(none.variant).toBeNull();
    expect(none.reason).toMatch(/^No variant fits "Tiny": fp32 \(106\.7 kB > max 1\.0 kB\); fp16/);
    expect(chooseVariant(anyProfile, []).reason).toBe("The model has no variants yet.");
  });

  it("without measurements: agreement, else precision rank; unmeasured budgets are noted, not guessed", () => {
    const bare = variants.map((v) => ({ ...v, metrics: {} }));
    const choice = chooseVariant({ ...anyProfile, latencyBudgetMs: 5 }, bare);
    expect(choice.variant?.name).toBe("fp32");
    expect(choice.reason).toContain("no measured accuracy, fp32 ranks highest");
    expect(choice.reason).toContain("(latency not measured: not checked)");
    const agree = chooseVariant(
      anyProfile,
      variants.map((v) => ({ ...v, metrics: { agreement: v.name === "int8-channel" ? 100 : 90 } })),
    );
    expect(agree.variant?.name).toBe("int8-channel");
  });

  describe("engines", () => {
    // onnx variants of the same model: ONNX Runtime runs int8 with integer kernels (faster), same accuracy.
    const onnx: TChoosableVariant[] = [
      {
        id: "o32",
        name: "onnx-fp32",
        precision: "fp32",
        engine: "onnx",
        bytes: 107_000,
        metrics: { accuracy: 94, runtime: runtime(0.9) },
      },
      {
        id: "o8",
        name: "onnx-int8",
        precision: "int8",
        engine: "onnx",
        bytes: 31_000,
        metrics: { accuracy: 93.4, runtime: runtime(0.1) },
      },
    ];
    const all = [...variants, ...onnx];

    it("a forbidden engine (not in allowedEngines) is excluded and named", () => {
      const tfjsOnly = chooseVariant({ ...anyProfile, allowedEngines: ["tfjs"], preferredEngine: null }, all);
      expect(tfjsOnly.variant?.name).toBe("fp16");
      expect(tfjsOnly.excluded).toEqual([
        { id: "o32", name: "onnx-fp32", why: "engine onnx not allowed" },
        { id: "o8", name: "onnx-int8", why: "engine onnx not allowed" },
      ]);
      expect(chooseVariant({ ...anyProfile, allowedEngines: ["onnx"] }, all).variant?.name).toBe("onnx-fp32");
    });

    it("the preferred engine's variants are chosen first when any fits, even if another engine's is more accurate", () => {
      const profile = {
        ...anyProfile,
        name: "Gateways",
        allowedPrecisions: ["int8", "fp16"] as TChoosableProfile["allowedPrecisions"],
        preferredEngine: "onnx" as const,
      };
      const choice = chooseVariant(profile, all);
      expect(choice.variant).toEqual({ id: "o8", name: "onnx-int8" });
      expect(choice.reason).toBe(
        'Chose onnx-int8 (int8, onnx, 31.0 kB, accuracy 93.40 %): the most accurate of 1 onnx variant that fit "Gateways" (onnx is the preferred engine; 2 other variants would fit).' +
          " Excluded: fp32 (precision fp32 not allowed); int4-group (precision int4 not allowed); onnx-fp32 (precision fp32 not allowed)." +
          " Devices that do not report onnx among their engines get the best variant of an engine they run.",
      );
      // Within the preferred engine, accuracy still decides.
      expect(chooseVariant({ ...anyProfile, preferredEngine: "onnx" }, all).variant?.name).toBe("onnx-fp32");
      // Preferring tfjs keeps the TF.js variants first.
      expect(chooseVariant({ ...profile, preferredEngine: "tfjs" }, all).variant?.name).toBe("fp16");
    });

    it("falls back to other engines when no variant of the preferred engine fits, and says so", () => {
      const choice = chooseVariant(
        { ...anyProfile, name: "Small", maxModelBytes: 30_000, preferredEngine: "onnx" },
        all,
      );
      expect(choice.variant?.name).toBe("int4-group");
      expect(choice.reason).toContain(
        'the most accurate of 1 variant that fit "Small"; no variant of the preferred engine onnx fits.',
      );
      expect(choice.excluded.map((e) => e.name)).toEqual(["fp32", "fp16", "int8-channel", "onnx-fp32", "onnx-int8"]);
    });

    it("without a preference, accuracy and size decide across engines", () => {
      const same = { ...onnx[1]!, metrics: { accuracy: 93.5 }, bytes: 30_542 };
      expect(chooseVariant({ ...anyProfile, allowedPrecisions: ["int8"] }, [same, variants[2]!]).variant?.name).toBe(
        "int8-channel",
      );
      expect(
        chooseVariant({ ...anyProfile, allowedPrecisions: ["int8"] }, [{ ...same, bytes: 30_000 }, variants[2]!])
          .variant?.name,
      ).toBe("onnx-int8");
    });

    it("for a device, only variants whose engine its last birth reported may be chosen", () => {
      const profile = {
        ...anyProfile,
        name: "Gateways",
        preferredEngine: "onnx" as const,
        allowedPrecisions: ["int8"] as TChoosableProfile["allowedPrecisions"],
      };
      const withOnnx = chooseVariant(profile, all, { reportedEngines: ["tfjs", "onnx"] });
      expect(withOnnx.variant?.name).toBe("onnx-int8");
      expect(withOnnx.reason).toContain(
        'fit "Gateways" on this device (onnx is the preferred engine; 1 other variant would fit).',
      );
      // Chosen for this device: no note about other devices.
      expect(withOnnx.reason).not.toContain("Devices that do not report");

      const tfjsOnly = chooseVariant(profile, all, { reportedEngines: ["tfjs"] });
      expect(tfjsOnly.variant?.name).toBe("int8-channel");
      expect(tfjsOnly.excluded).toContainEqual({
        id: "o8",
        name: "onnx-int8",
        why: "engine onnx does not load on this device (it reports tfjs)",
      });
      expect(tfjsOnly.reason).toContain("no variant of the preferred engine onnx fits");

      // No birth yet (or unreadable hardware): every agent runs tfjs, onnx is not assumed.
      const unknown = chooseVariant(profile, all, { reportedEngines: null });
      expect(unknown.variant?.name).toBe("int8-channel");
      expect(unknown.excluded).toContainEqual({
        id: "o8",
        name: "onnx-int8",
        why: "engine onnx is not known to load on this device (it has not reported its engines; only tfjs is assumed)",
      });

      const onnxOnlyVariants = chooseVariant({ ...profile, name: "Edge" }, onnx, { reportedEngines: [] });
      expect(onnxOnlyVariants.variant).toBeNull();
      expect(onnxOnlyVariants.reason).toBe(
        'No variant fits "Edge" on this device: onnx-fp32 (precision fp32 not allowed); onnx-int8 (engine onnx does not load on this device (it reports no engine)).',
      );
    });

    it("reads the engines of stored hardware, loosely; matching ignores case", () => {
      expect(reportedEnginesOf({ arch: "arm64", engines: ["tfjs", "onnx"], backends: ["wasm"] })).toEqual([
        "tfjs",
        "onnx",
      ]);
      expect(reportedEnginesOf(null)).toBeNull();
      expect(reportedEnginesOf({ arch: "arm64" })).toBeNull();
      expect(reportedEnginesOf({ engines: "tfjs" })).toBeNull();
      expect(deviceRunsEngine({ reportedEngines: ["onnx"] }, "onnx")).toBe(true);
      expect(deviceRunsEngine({ reportedEngines: ["ONNX"] }, "onnx")).toBe(true);
      expect(deviceRunsEngine({ reportedEngines: ["tfjs", "tflite"] }, "onnx")).toBe(false);
      expect(deviceRunsEngine({ reportedEngines: null }, "tfjs")).toBe(true);
      expect(deviceRunsEngine(undefined, "onnx")).toBe(true);
    });
  });
});
