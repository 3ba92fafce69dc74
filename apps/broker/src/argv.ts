// A tiny argv parser for the flags of settings.ts: `--name value`, `--name=value`, and
// boolean flags that may stand alone. Unknown or incomplete flags are ConfigErrors.
import { ConfigError } from "./errors.ts";
import { BROKER_SETTINGS } from "./settings.ts";

export type TFlagValues = ReadonlyMap<string, string>; // keyed by env name

const HELP_FLAGS = new Set(["-h", "--help"]);

export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((arg) => HELP_FLAGS.has(arg));
}

export function parseFlags(argv: readonly string[]): TFlagValues {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (HELP_FLAGS.has(arg)) continue;
    if (!arg.startsWith("--")) {
      throw new ConfigError("argv", `unexpected argument ${JSON.stringify(arg)}; see fleet-broker --help`);
    }
    const eq = arg.indexOf("=");
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const spec = BROKER_SETTINGS.find((candidate) => candidate.flag === flag);
    if (spec === undefined) {
      throw new ConfigError("argv", `unknown option ${flag}; see fleet-broker --help`);
    }
    if (eq !== -1) {
      values.set(spec.env, arg.slice(eq + 1));
    } else if ("boolean" in spec) {
      values.set(spec.env, "true");
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) {
        throw new ConfigError(spec.env, `${flag} needs a value; see fleet-broker --help`);
      }
      values.set(spec.env, next);
      i++;
    }
  }
  return values;
}
