// fleet-quantize <model> --out DIR [--calib DIR] [--val DIR] [--variants LIST] [--budget PTS]
// fleet-quantize eval <variant> --val DIR
// Its flags are one table (@fleet/settings): parsing, typed values and --help come from it.
import { isRuntimeError } from "@fleet/runtime";
import { ConfigError, defineCli, helpRequest, helpText, parseCommandLine, ZBooleanString } from "@fleet/settings";
import { z } from "zod";
import { QuantizeError } from "../errors.ts";
import { evaluateVariant } from "../evaluate/written-variant.ts";
import { ALL_VARIANTS, quantizeModel } from "../pipeline/quantize-model.ts";
import { progressBar } from "./progress.ts";
import { formatSummary } from "./summary.ts";

type TVariantKind = (typeof ALL_VARIANTS)[number];
const isVariantKind = (name: string): name is TVariantKind => (ALL_VARIANTS as readonly string[]).includes(name);

/** "fp16, int8-channel" → the variant kinds, each known. */
const ZVariants = z
  .string()
  .transform((raw) =>
    raw
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z.string().refine(isVariantKind, {
          error: (issue) => `has an unknown variant ${JSON.stringify(issue.input)} (known: ${ALL_VARIANTS.join(", ")})`,
        }),
      )
      .min(1, "is empty")
      .transform((names) => names.filter(isVariantKind)),
  );

const ZNumber = z.coerce.number<string>({ error: "must be a number" });

const VAL = {
  key: "val",
  flag: "--val",
  arg: "DIR",
  meaning: "labelled validation data (accuracy, and the budget of mixed)",
  schema: z.string().min(1),
} as const;
const RUNS = {
  key: "runs",
  flag: "--runs",
  arg: "N",
  meaning: "timed inferences per variant for the latency figures",
  schema: ZNumber.int("must be a whole number").min(1, "must be at least 1"),
} as const;
const BACKEND = {
  key: "backend",
  flag: "--backend",
  arg: "NAME",
  meaning: "TF.js backend: auto, tfjs-node, wasm or cpu",
  schema: z.enum(["auto", "tfjs-node", "wasm", "cpu"], { error: "must be auto, tfjs-node, wasm or cpu" }),
} as const;
const flagOnly = (key: string, flag: `--${string}`, meaning: string) =>
  ({ key, flag, arg: "BOOL", default: "false", meaning, schema: ZBooleanString, boolean: true }) as const;

const QUANTIZE_CLI = defineCli({
  bin: "fleet-quantize",
  summary: "float32 TF.js model → quantized TF.js and ONNX variants, with report.json",
  settings: [],
  defaultCommand: "quantize",
  commands: {
    quantize: {
      summary: "write every variant (or --variants) of a model and report.json into --out",
      implicit: true,
      positionals: [{ key: "input", arg: "MODEL", meaning: "a model directory, a model.json, or a .zip / .tar[.gz]" }],
      options: [
        {
          key: "out",
          flag: "--out",
          arg: "DIR",
          meaning: "output directory",
          schema: z.string().min(1),
          required: true,
        },
        {
          key: "calib",
          flag: "--calib",
          arg: "DIR",
          meaning: "calibration data (activation ranges; needed by mixed and onnx-int8)",
          schema: z.string().min(1),
        },
        VAL,
        { key: "variants", flag: "--variants", arg: "LIST", meaning: "comma-separated variants", schema: ZVariants },
        {
          key: "budget",
          flag: "--budget",
          arg: "POINTS",
          meaning: "accuracy points mixed may lose against fp32",
          schema: ZNumber.min(0, "must be a number of points >= 0"),
        },
        {
          key: "groupSize",
          flag: "--group-size",
          arg: "N",
          meaning: "weights per int4 group",
          schema: ZNumber.int("must be a whole number").min(0, "must be 0 or more"),
        },
        {
          key: "calibration",
          flag: "--calibration",
          arg: "METHOD",
          meaning: "activation range method of onnx-int8: minmax, percentile or mse",
          schema: z.enum(["minmax", "percentile", "mse"], { error: "must be minmax, percentile or mse" }),
        },
        flagOnly("noBiasCorrection", "--no-bias-correction", "skip the bias correction of quantized layers"),
        flagOnly("noMeasure", "--no-measure", "skip loading each variant to measure load time, latency and RSS"),
        RUNS,
        BACKEND,
      ],
    },
    eval: {
      summary: "metrics of one variant (any engine) on --val, as JSON",
      positionals: [{ key: "variant", arg: "VARIANT", meaning: "a variant directory (manifest.json and its files)" }],
      options: [{ ...VAL, required: true }, RUNS, BACKEND],
    },
  },
  notes: "Unset options take the library's defaults. Exit codes: 0 done, 2 bad input, 1 anything else.",
});

async function main(argv: string[]): Promise<number> {
  const help = helpRequest(QUANTIZE_CLI, argv);
  if (help) {
    process.stdout.write(helpText(QUANTIZE_CLI, help.command));
    return 0;
  }
  const parsed = parseCommandLine(QUANTIZE_CLI, { argv });

  if (parsed.command === "eval") {
    const { val, backend, runs } = parsed.options;
    const metrics = await evaluateVariant(parsed.args.variant, val, {
      ...(backend !== undefined ? { backend } : {}),
      ...(runs !== undefined ? { latencyRuns: runs } : {}),
    });
    process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
    return 0;
  }

  const options = parsed.options;
  const bar = progressBar();
  try {
    const report = await quantizeModel({
      input: parsed.args.input,
      outDir: options.out,
      ...(options.calibration !== undefined ? { calibration: options.calibration } : {}),
      ...(options.backend !== undefined ? { backend: options.backend } : {}),
      ...(options.calib !== undefined ? { calibDir: options.calib } : {}),
      ...(options.val !== undefined ? { valDir: options.val } : {}),
      ...(options.variants !== undefined ? { variants: options.variants } : {}),
      ...(options.budget !== undefined ? { budget: options.budget } : {}),
      ...(options.groupSize !== undefined ? { groupSize: options.groupSize } : {}),
      ...(options.noBiasCorrection ? { biasCorrection: false } : {}),
      ...(options.noMeasure ? { measure: false } : {}),
      ...(options.runs !== undefined ? { latencyRuns: options.runs } : {}),
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
  if (error instanceof ConfigError) {
    process.stderr.write(`fleet-quantize: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else if (error instanceof QuantizeError || isRuntimeError(error)) {
    process.stderr.write(`fleet-quantize: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(
      `fleet-quantize: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
