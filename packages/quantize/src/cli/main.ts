// fleet-quantize <model> --out DIR [--calib DIR] [--val DIR] [--variants LIST] [--budget PTS]
// fleet-quantize eval <variant> --val DIR
import { parseArgs } from "node:util";
import { isRuntimeError } from "@fleet/runtime";
import { QuantizeError } from "../errors.ts";
import { evaluateVariant } from "../evaluate/written-variant.ts";
import { ALL_VARIANTS, quantizeModel } from "../pipeline/quantize-model.ts";
import { parseVariantList } from "../pipeline/variant-list.ts";
import { progressBar } from "./progress.ts";
import { formatSummary } from "./summary.ts";

const USAGE = `usage:
  fleet-quantize <model dir | model.json | .zip | .tar[.gz]> --out DIR [--calib DIR] [--val DIR]
                 [--variants ${ALL_VARIANTS.join(",")}] [--budget POINTS] [--group-size N]
                 [--calibration minmax|percentile|mse] [--no-bias-correction] [--no-measure] [--runs N]
                 [--backend auto|tfjs-node|wasm|cpu]
  fleet-quantize eval <variant dir> --val DIR [--runs N]`;

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new QuantizeError("OPTIONS_INVALID", `${flag} expects a number, got "${value}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      calib: { type: "string" },
      val: { type: "string" },
      variants: { type: "string" },
      budget: { type: "string" },
      "group-size": { type: "string" },
      calibration: { type: "string" },
      "no-bias-correction": { type: "boolean" },
      "no-measure": { type: "boolean" },
      runs: { type: "string" },
      backend: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const backend = values.backend ?? "auto";
  if (!["auto", "tfjs-node", "wasm", "cpu"].includes(backend))
    throw new QuantizeError("OPTIONS_INVALID", `--backend must be auto, tfjs-node, wasm or cpu, got "${backend}"`);
  const runs = number(values.runs, "--runs");

  if (positionals[0] === "eval") {
    const dir = positionals[1];
    if (!dir || !values.val)
      throw new QuantizeError("OPTIONS_INVALID", `eval needs a variant directory and --val DIR\n${USAGE}`);
    const metrics = await evaluateVariant(dir, values.val, {
      backend: backend as "auto",
      ...(runs !== undefined ? { latencyRuns: runs } : {}),
    });
    process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
    return 0;
  }

  const input = positionals[0];
  if (!input || !values.out || positionals.length > 1)
    throw new QuantizeError("OPTIONS_INVALID", `expected one model and --out DIR\n${USAGE}`);
  const calibration = values.calibration ?? "mse";
  if (calibration !== "minmax" && calibration !== "percentile" && calibration !== "mse")
    throw new QuantizeError("OPTIONS_INVALID", `--calibration must be minmax, percentile or mse, got "${calibration}"`);
  const bar = progressBar();
  const budget = number(values.budget, "--budget");
  const groupSize = number(values["group-size"], "--group-size");
  try {
    const report = await quantizeModel({
      input,
      outDir: values.out,
      calibration,
      backend: backend as "auto",
      ...(values.calib ? { calibDir: values.calib } : {}),
      ...(values.val ? { valDir: values.val } : {}),
      ...(values.variants ? { variants: parseVariantList(values.variants) } : {}),
      ...(budget !== undefined ? { budget } : {}),
      ...(groupSize !== undefined ? { groupSize } : {}),
      ...(values["no-bias-correction"] ? { biasCorrection: false } : {}),
      ...(values["no-measure"] ? { measure: false } : {}),
      ...(runs !== undefined ? { latencyRuns: runs } : {}),
      onProgress: (e) => bar.update(e.done, e.total, e.label),
    });
    bar.finish();
    process.stdout.write(`${formatSummary(report)}\n`);
    return 0;
  } catch (error) {
    bar.finish();
    throw error;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof QuantizeError || isRuntimeError(error)) {
    process.stderr.write(`fleet-quantize: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(
      `fleet-quantize: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
