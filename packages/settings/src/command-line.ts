// Parses a bin's command line against its table: the command word, its positional arguments, and
// every flag (`--name value`, `--name=value`, boolean flags alone) through node:util's tokenizer.
// What node:util accepts loosely (unknown flags, a missing value) becomes a ConfigError here.
import { parseArgs } from "node:util";
import { ConfigError } from "./config-error.ts";
import { readConfigFile, type TConfigFileValues, type TReadTextFile } from "./config-file.ts";
import type { TCli, TCommand, TCommandLine, TCommandsOf, TConfigFile, TEnv, TSetting } from "./define.ts";
import { resolveSettings } from "./resolve-settings.ts";

export interface TCommandLineInput {
  /** process.argv without node and the script. */
  readonly argv: readonly string[];
  readonly env?: TEnv;
  /** Needed when the bin has a config file. */
  readonly readTextFile?: TReadTextFile;
}

interface TFlagToken {
  readonly name: string;
  readonly rawName: string;
  readonly value: string | undefined;
  readonly inlineValue: boolean;
}

interface TTokens {
  readonly flags: readonly TFlagToken[];
  readonly positionals: readonly string[];
  readonly help: boolean;
}

/** What the functions below read of any table's command line. */
interface TAnyCli {
  readonly bin: string;
  readonly settings: readonly TSetting[];
  readonly commands: Readonly<Record<string, TCommand>>;
  readonly defaultCommand?: string | undefined;
  readonly configFile?: TConfigFile | undefined;
}

/** Every flag of the bin, so the tokenizer knows which take a value (and never eats the next word for a boolean). */
function tokenize(cli: TAnyCli, argv: readonly string[]): TTokens {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
  };
  const declare = (flag: { flag: string; short?: string; boolean?: true }) => {
    options[flag.flag.slice(2)] = {
      type: flag.boolean ? "boolean" : "string",
      ...(flag.short === undefined ? {} : { short: flag.short }),
    };
  };
  for (const row of cli.settings) declare(row);
  if (cli.configFile) declare(cli.configFile);
  for (const command of Object.values(cli.commands)) for (const row of command.options ?? []) declare(row);
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const flags: TFlagToken[] = [];
  const positionals: string[] = [];
  let help = false;
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    else if (token.kind === "option" && token.name === "help") help = true;
    else if (token.kind === "option")
      flags.push({
        name: token.name,
        rawName: token.rawName,
        value: token.value,
        inlineValue: token.inlineValue === true,
      });
  }
  return { flags, positionals, help };
}

function isCommandWord(cli: TAnyCli, word: string | undefined): word is string {
  return word !== undefined && Object.hasOwn(cli.commands, word) && cli.commands[word]?.implicit !== true;
}

/** `BIN --help`, or `BIN COMMAND --help` for a command other than the default. */
function helpHint(cli: TAnyCli, command: string | undefined): string {
  const named = command !== undefined && command !== cli.defaultCommand ? ` ${command}` : "";
  return `; see ${cli.bin}${named} --help`;
}

/**
 * `--help` or `-h` anywhere, or no command where the bin has no default one: the help to print
 * (of one command when it names one), else undefined. Never throws: help must work on a bad line.
 */
export function helpRequest<
  const TSettings extends readonly TSetting[],
  const TCommands extends TCommandsOf<TSettings>,
>(
  cli: TCli<TSettings, TCommands>,
  argv: readonly string[],
): { readonly command: (keyof TCommands & string) | undefined } | undefined {
  const tokens = tokenize(cli, argv);
  const first = tokens.positionals[0];
  const command = isCommandWord(cli, first) ? (first as keyof TCommands & string) : undefined;
  if (tokens.help) return { command };
  if (tokens.positionals.length === 0 && cli.defaultCommand === undefined) return { command: undefined };
  return undefined;
}

function chooseCommand(cli: TAnyCli, positionals: readonly string[]): { name: string; rest: readonly string[] } {
  const [first, ...rest] = positionals;
  if (isCommandWord(cli, first)) return { name: first, rest };
  if (cli.defaultCommand !== undefined) return { name: cli.defaultCommand, rest: positionals };
  if (first === undefined)
    throw new ConfigError("argv", `${cli.bin} needs a command${helpHint(cli, undefined)}`, {
      code: "unknown_command",
    });
  throw new ConfigError("argv", `unknown command ${JSON.stringify(first)}${helpHint(cli, undefined)}`, {
    code: "unknown_command",
  });
}

/** Raw flag values by setting key, and the config file's path when given as a flag. */
function flagValues(
  cli: TAnyCli,
  command: { name: string; spec: TCommand; readsSettings: boolean },
  tokens: readonly TFlagToken[],
): { flags: Map<string, string>; configPath: string | undefined } {
  const rows = [...(command.readsSettings ? cli.settings : []), ...(command.spec.options ?? [])];
  const byName = new Map<string, TSetting>(rows.map((row) => [row.flag.slice(2), row]));
  const configFlag = command.readsSettings ? cli.configFile?.flag.slice(2) : undefined;
  const hint = helpHint(cli, command.name);
  const flags = new Map<string, string>();
  let configPath: string | undefined;
  for (const token of tokens) {
    const row = byName.get(token.name);
    if (row === undefined && token.name !== configFlag)
      throw new ConfigError(token.rawName, `unknown option ${token.rawName}${hint}`, { code: "unknown_option" });
    let value = token.value;
    if (row?.boolean) value ??= "true";
    // `--port --host x`: node:util takes "--host" as the port; a value starting with "--" must be inline.
    else if (value === undefined || (!token.inlineValue && value.startsWith("--")))
      throw new ConfigError(row?.env ?? cli.configFile?.env ?? token.rawName, `${token.rawName} needs a value${hint}`, {
        code: "missing_value",
      });
    if (row === undefined) configPath = value;
    else flags.set(row.key, value);
  }
  return { flags, configPath };
}

function positionalValues(
  cli: TAnyCli,
  command: { name: string; spec: TCommand },
  values: readonly string[],
): Record<string, string | undefined> {
  const specs = command.spec.positionals ?? [];
  const hint = helpHint(cli, command.name);
  const args: Record<string, string | undefined> = Object.fromEntries(specs.map((spec) => [spec.key, undefined]));
  values.forEach((value, index) => {
    const spec = specs[index];
    if (spec === undefined)
      throw new ConfigError("argv", `unexpected argument ${JSON.stringify(value)}${hint}`, {
        code: "unexpected_argument",
      });
    args[spec.key] = value;
  });
  for (const spec of specs) {
    if (args[spec.key] === undefined && !spec.optional) {
      const who = command.spec.implicit ? cli.bin : command.name;
      throw new ConfigError("argv", `${who} needs ${spec.arg}${hint}`, { code: "missing_argument" });
    }
  }
  return args;
}

function configFileOf(
  cli: TAnyCli,
  input: TCommandLineInput,
  configPath: string | undefined,
): TConfigFileValues | undefined {
  const spec = cli.configFile;
  if (spec === undefined) return undefined;
  const fromEnv = spec.env === undefined ? undefined : input.env?.[spec.env]?.trim();
  const path = configPath ?? (fromEnv === "" ? undefined : fromEnv);
  if (path === undefined) return undefined;
  if (input.readTextFile === undefined) throw new Error(`settings: ${cli.bin} has a config file but no readTextFile`);
  return readConfigFile(path, input.readTextFile, spec.env ?? spec.flag);
}

/**
 * The command line as typed values: which command, its settings (flag > environment > config
 * file > default), its own options and its arguments. Throws a ConfigError with one line.
 * `--help` is not an error here: ask helpRequest first.
 */
export function parseCommandLine<
  const TSettings extends readonly TSetting[],
  const TCommands extends TCommandsOf<TSettings>,
>(cli: TCli<TSettings, TCommands>, input: TCommandLineInput): TCommandLine<TSettings, TCommands> {
  const tokens = tokenize(cli, input.argv);
  const chosen = chooseCommand(cli, tokens.positionals);
  const spec: TCommand = cli.commands[chosen.name]!;
  const command = { name: chosen.name, spec, readsSettings: spec.settings !== false };
  const { flags, configPath } = flagValues(cli, command, tokens.flags);
  const args = positionalValues(cli, command, chosen.rest);
  const who = spec.implicit ? cli.bin : chosen.name;
  const config = command.readsSettings
    ? resolveSettings(
        cli.settings,
        { flags, env: input.env, file: configFileOf(cli, input, configPath) },
        { required: spec.requires ?? [], command: who },
      )
    : {};
  const options = resolveSettings(spec.options ?? [], { flags, env: input.env }, { command: who });
  // Built from the command's own rows and positionals, which is what the mapped type says.
  return { command: chosen.name, config, options, args } as unknown as TCommandLine<TSettings, TCommands>;
}
