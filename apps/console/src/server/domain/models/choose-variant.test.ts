import { describe, expect, it } from "vitest";
import { chooseVariant, type TChoosableProfile, type TChoosableVariant } from "./choose-variant.ts";

const anyProfile: TChoosableProfile = {
  name: "Any",
  maxModelBytes: null,
  ramBudgetMb: null,
  allowedPrecisions: ["FP32", "FP16", "UINT8", "INT8", "INT4", "MIXED"],
  allowedEngines: ["TFJS", "ONNX"],
  preferredEngine: null,
  latencyBudgetMs: null,
};
const runtime = (p95Ms: number, modelMB = 0.4) => ({ latency: { medianMs: p95Ms / 2, p95Ms }, modelMB });
const variants: TChoosableVariant[] = [
  { id: "v32", name: "fp32", precision: "FP32", engine: "TFJS", bytes: 106_676, metrics: { accuracy: 94, agreement: 100, runtime: runtime(6.8) } },
  { id: "v16", name: "fp16", precision: "FP16", engine: "TFJS", bytes: 55_788, metrics: { accuracy: 94, agreement: 100, runtime: runtime(5.4) } },
  { id: "v8", name: "int8-channel", precision: "INT8", engine: "TFJS", bytes: 30_542, metrics: { accuracy: 93.5, agreement: 99, runtime: runtime(0.3) } },
  { id: "v4", name: "int4-group", precision: "INT4", engine: "TFJS", bytes: 19_095, metrics: { accuracy: 91, agreement: 96, runtime: runtime(0.3) } },
];

describe("chooseVariant", () => {
  it("picks the most accurate variant; a tie goes to the smaller", () => {
    const choice = chooseVariant(anyProfile, variants);
    expect(choice.variant).toEqual({ id: "v16", name: "fp16" });
    expect(choice.reason).toBe(
      'Chose fp16 (FP16, 55.8 kB, accuracy 94.00 %): the most accurate of 4 variants that fit "Any"; ties with fp32 go to the smaller.',
    );
    expect(choice.excluded).toEqual([]);
  });

  it("applies size, precision, latency and RAM constraints and names what each excluded", () => {
    const small = chooseVariant({ ...anyProfile, name: "Wearables", maxModelBytes: 40_000, allowedPrecisions: ["INT8", "INT4", "FP32"] }, variants);
    expect(small.variant?.name).toBe("int8-channel");
    expect(small.excluded).toEqual([
      { id: "v32", name: "fp32", why: "106.7 kB > max 40.0 kB" },
      { id: "v16", name: "fp16", why: "precision FP16 not allowed" },
    ]);
    expect(small.reason).toContain("Excluded: fp32 (106.7 kB > max 40.0 kB); fp16 (precision FP16 not allowed).");
    const fast = chooseVariant({ ...anyProfile, latencyBudgetMs: 1 }, variants);
    expect(fast.variant?.name).toBe("int8-channel");
    expect(fast.excluded.map((e) => e.why)).toEqual(["p95 latency 6.80 ms > budget 1 ms", "p95 latency 5.40 ms > budget 1 ms"]);
    const tiny = chooseVariant({ ...anyProfile, ramBudgetMb: 1 }, [{ ...variants[0]!, metrics: { accuracy: 94, runtime: runtime(1, 3) } }, variants[3]!]);
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
    expect(choice.reason).toContain("no measured accuracy, FP32 ranks highest");
    expect(choice.reason).toContain("(latency not measured: not checked)");
    const agree = chooseVariant(anyProfile, variants.map((v) => ({ ...v, metrics: { agreement: v.name === "int8-channel" ? 100 : 90 } })));
    expect(agree.variant?.name).toBe("int8-channel");
  });

  it("ties on accuracy and size go to the preferred engine", () => {
    const onnx: TChoosableVariant = { ...variants[2]!, id: "vo", name: "int8-onnx", engine: "ONNX" };
    expect(chooseVariant({ ...anyProfile, preferredEngine: "ONNX", allowedPrecisions: ["INT8"] }, [variants[2]!, onnx]).variant?.name).toBe("int8-onnx");
  });
});
