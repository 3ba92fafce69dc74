// Mixed precision under an accuracy budget: measure each layer's sensitivity alone, start with
// every kernel at int4, then upgrade the layer that buys back the most accuracy per extra byte
// until the whole model is within budget (checked on the real combined model, not by adding up).
import { elementCount, entryByteLength, type ModelFiles } from "@fleet/runtime";
import type { TWeightPrecision as TPrecision } from "@fleet/variants";
import type { WeightUnit } from "./weight-units.ts";
import type { TSensitivity } from "../pipeline/report-schema.ts";

export const LADDER: TPrecision[] = ["int4", "int8", "fp16", "fp32"];

export interface MixedProblem {
  units: WeightUnit[];
  files: ModelFiles;
  groupSize: number;
  budgetPoints: number;
  referenceAccuracy: number;
  /** builds and scores a model where every unit has the given precision */
  evaluate(precisionOf: (unit: WeightUnit) => TPrecision): Promise<{ accuracy: number; agreement: number }>;
  onStep?(label: string): void;
}

export interface MixedChoice {
  precision: Map<string, TPrecision>;
  accuracy: number;
  sensitivity: TSensitivity[];
}

export function unitBytes(unit: WeightUnit, precision: TPrecision, files: ModelFiles, groupSize: number): number {
  let bytes = 0;
  for (const name of unit.weights) {
    const entry = files.weights.find((w) => w.entry.name === name)!.entry;
    const kernel = unit.kernels.find((k) => k.weight === name);
    const n = elementCount(entry.shape);
    if (precision === "fp16") bytes += n * 2;
    else if ((precision === "int8" || precision === "int4") && kernel) {
      bytes += entryByteLength({
        ...entry,
        quantization: {
          dtype: precision,
          fleet: {
            channelAxes: kernel.channelAxes,
            groupSize: precision === "int4" ? groupSize : 0,
            scaleDtype: precision === "int4" ? "float16" : "float32",
          },
        },
      });
    } else bytes += n * 4;
  }
  return bytes;
}

export async function chooseMixedPrecision(problem: MixedProblem): Promise<MixedChoice> {
  const tunable = problem.units.filter((u) => u.kernels.length > 0);
  const loss = (r: { accuracy: number; agreement: number }) =>
    problem.referenceAccuracy - r.accuracy + 0.01 * (100 - r.agreement);
  const sensitivity: TSensitivity[] = [];
  const lossOf = new Map<string, number>();
  for (const unit of tunable) {
    lossOf.set(`${unit.name}|fp32`, 0);
    for (const precision of ["fp16", "int8", "int4"] as const) {
      problem.onStep?.(`sensitivity ${unit.name} @ ${precision}`);
      const result = await problem.evaluate((u) => (u.name === unit.name ? precision : "fp32"));
      sensitivity.push({
        layer: unit.name,
        precision,
        accuracyDrop: problem.referenceAccuracy - result.accuracy,
        agreement: result.agreement,
      });
      lossOf.set(`${unit.name}|${precision}`, loss(result));
    }
  }
  const choice = new Map<string, TPrecision>(tunable.map((u) => [u.name, "int4"]));
  const precisionOf = (u: WeightUnit): TPrecision => choice.get(u.name) ?? "fp32";
  let result = await problem.evaluate(precisionOf);
  while (problem.referenceAccuracy - result.accuracy > problem.budgetPoints) {
    let best: { unit: WeightUnit; next: TPrecision; value: number } | undefined;
    for (const unit of tunable) {
      const current = choice.get(unit.name)!;
      const next = LADDER[LADDER.indexOf(current) + 1];
      if (!next) continue;
      const gain = lossOf.get(`${unit.name}|${current}`)! - lossOf.get(`${unit.name}|${next}`)!;
      const cost = Math.max(
        1,
        unitBytes(unit, next, problem.files, problem.groupSize) -
          unitBytes(unit, current, problem.files, problem.groupSize),
      );
      // a layer whose sensitivity shows no gain still gets upgraded eventually (interactions)
      const value = gain > 0 ? gain / cost : -cost;
      if (!best || value > best.value) best = { unit, next, value };
    }
    if (!best) break; // everything is fp32: within budget by definition
    choice.set(best.unit.name, best.next);
    problem.onStep?.(`upgrade ${best.unit.name} -> ${best.next}`);
    result = await problem.evaluate(precisionOf);
  }
  return { precision: choice, accuracy: result.accuracy, sensitivity };
}
