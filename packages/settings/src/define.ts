// The shape of a settings table and of a command line, and the types inferred from them: a bin
// writes its rows once (name, flag, default, meaning, schema) and gets typed values, parsing and --help.
import type { z } from "zod";

/** zod schema of a raw value, as written in the environment, on the command line or as a default. */
export type TRawSchema = z.ZodType<unknown, string>;

export type TEnv = Readonly<Record<string, string | undefined>>;

/** One row of a settings table. */
export interface TSetting {
  /** Name in the typed result and in the config file, e.g. `mqttPort`. */
  readonly key: string;
  /** Environment variable, e.g. `MQTT_PORT`; none for flags that only make sense on a command line. */
  readonly env?: string;
  readonly flag: `--${string}`;
  /** One letter: `-c FILE` as well as `--config FILE`. */
  readonly short?: string;
  /** Placeholder of the value in --help, e.g. `PORT`. */
  readonly arg: string;
  /** Raw default, as it would be written in the environment; absent = unset. */
  readonly default?: string;
  readonly meaning: string;
  readonly schema: TRawSchema;
  /** Never echoed in an error message (passwords, URLs that may carry one). */
  readonly secret?: true;
  /** The flag may stand alone (`--ingest` means `--ingest=true`). */
  readonly boolean?: true;
  /** The command cannot run without it (for a command's own options; settings use `requires`). */
  readonly required?: true;
}

/** A positional argument of a command, e.g. the DIR of `fleet-agent verify DIR`. */
export interface TPositional {
  readonly key: string;
  readonly arg: string;
  readonly meaning: string;
  readonly optional?: true;
}

export interface TCommand<TKey extends string = string> {
  readonly summary: string;
  /** Options of this command only (flags, and variables when they have one). */
  readonly options?: readonly TSetting[];
  readonly positionals?: readonly TPositional[];
  /** Settings of the table this command cannot run without. */
  readonly requires?: readonly TKey[];
  /** false: the table's settings are not read (a helper command that needs none of them). */
  readonly settings?: false;
  /** The default command has no word of its own: `fleet-quantize MODEL`, not `fleet-quantize quantize MODEL`. */
  readonly implicit?: true;
  /** More lines for `BIN COMMAND --help` (examples). */
  readonly details?: string;
}

/** A JSON file whose keys are the settings' keys, between the environment and the defaults. */
export interface TConfigFile {
  readonly flag: `--${string}`;
  readonly short?: string;
  readonly env?: string;
  readonly arg: string;
  readonly meaning: string;
}

/** The commands of a table's command line: `requires` names keys of that table. */
export type TCommandsOf<TSettings extends readonly TSetting[]> = Readonly<
  Record<string, TCommand<TSettings[number]["key"]>>
>;

export interface TCli<
  TSettings extends readonly TSetting[] = readonly TSetting[],
  TCommands extends TCommandsOf<TSettings> = TCommandsOf<TSettings>,
> {
  /** Name of the bin, e.g. `fleet-broker`. */
  readonly bin: string;
  readonly summary: string;
  readonly settings: TSettings;
  readonly commands: TCommands;
  /** The command run when the command line names none; without it, no command prints the help. */
  readonly defaultCommand?: keyof TCommands & string;
  readonly configFile?: TConfigFile;
  /** Lines at the end of --help (exit codes, variables read elsewhere). */
  readonly notes?: string;
}

type TValueOf<S extends TSetting> = S extends { readonly default: string } | { readonly required: true }
  ? z.output<S["schema"]>
  : z.output<S["schema"]> | undefined;

/** The typed result of a table: one property per row, `undefined` when it has no default and is unset. */
export type TSettingValues<TRows extends readonly TSetting[]> = {
  -readonly [S in TRows[number] as S["key"]]: TValueOf<S>;
};

type TOptionsOf<C> = C extends { readonly options: infer O extends readonly TSetting[] } ? O : readonly [];
type TPositionalsOf<C> = C extends { readonly positionals: infer P extends readonly TPositional[] } ? P : readonly [];
type TRequiresOf<C> = C extends { readonly requires: infer K extends readonly string[] } ? K[number] : never;

/** `T` with the keys `K` known to be set. */
type TWithSet<T, K extends PropertyKey> = { [P in keyof T]: P extends K ? Exclude<T[P], undefined> : T[P] };

export type TArgs<P extends readonly TPositional[]> = {
  -readonly [A in P[number] as A["key"]]: A extends { readonly optional: true } ? string | undefined : string;
};

/** What the command line asked for: one member per command, told apart by `command`. */
export type TCommandLine<
  TSettings extends readonly TSetting[],
  TCommands extends Readonly<Record<string, TCommand>>,
> = {
  [N in keyof TCommands & string]: {
    readonly command: N;
    /** The table's settings (flag > environment > config file > default). */
    readonly config: TCommands[N] extends { readonly settings: false }
      ? Record<never, never>
      : TWithSet<TSettingValues<TSettings>, TRequiresOf<TCommands[N]>>;
    /** The command's own options. */
    readonly options: TSettingValues<TOptionsOf<TCommands[N]>>;
    readonly args: TArgs<TPositionalsOf<TCommands[N]>>;
  };
}[keyof TCommands & string];

/** A settings table, checked once: keys, flags and variables are unique. */
export function defineSettings<const TRows extends readonly TSetting[]>(rows: TRows): TRows {
  assertUnique(rows, "key", (row) => row.key);
  assertUnique(rows, "flag", (row) => row.flag);
  assertUnique(rows, "environment variable", (row) => row.env);
  for (const row of rows) {
    if (row.default !== undefined && !row.schema.safeParse(row.default).success)
      throw new Error(`settings: the default of ${row.flag} does not pass its own schema`);
  }
  return rows;
}

/** A command line: the table's settings, commands with their own options and arguments, --help. */
export function defineCli<const TSettings extends readonly TSetting[], const TCommands extends TCommandsOf<TSettings>>(
  cli: TCli<TSettings, TCommands>,
): TCli<TSettings, TCommands> {
  defineSettings(cli.settings);
  const keys = new Set(cli.settings.map((row) => row.key));
  const flagKinds = new Map<string, boolean>(cli.settings.map((row) => [row.flag, row.boolean === true]));
  if (cli.configFile) flagKinds.set(cli.configFile.flag, false);
  for (const [name, command] of Object.entries(cli.commands)) {
    const options = command.options ?? [];
    defineSettings(options);
    for (const option of options) {
      if (keys.has(option.key)) throw new Error(`settings: ${name} option ${option.key} shadows a setting`);
      const kind = flagKinds.get(option.flag);
      if (kind !== undefined && kind !== (option.boolean === true))
        throw new Error(`settings: ${option.flag} is a boolean flag in one place and not in another`);
      flagKinds.set(option.flag, option.boolean === true);
    }
    for (const key of command.requires ?? []) {
      if (!keys.has(key)) throw new Error(`settings: ${name} requires ${key}, which is no setting`);
    }
    if (command.implicit && cli.defaultCommand !== name)
      throw new Error(`settings: ${name} has no word of its own, so it must be the default command`);
  }
  if (cli.defaultCommand !== undefined && !(cli.defaultCommand in cli.commands))
    throw new Error(`settings: the default command ${cli.defaultCommand} is not defined`);
  return cli;
}

function assertUnique<T>(rows: readonly T[], what: string, pick: (row: T) => string | undefined): void {
  const seen = new Set<string>();
  for (const row of rows) {
    const value = pick(row);
    if (value === undefined) continue;
    if (seen.has(value)) throw new Error(`settings: ${what} ${value} appears twice`);
    seen.add(value);
  }
}

/** `--broker (FLEET_AGENT_BROKER_URL)`: how messages name a setting. */
export function describeSetting(row: Pick<TSetting, "flag" | "env">): string {
  return row.env === undefined ? row.flag : `${row.flag} (${row.env})`;
}

/** The name a ConfigError carries: the variable, else the flag. */
export function settingName(row: Pick<TSetting, "flag" | "env">): string {
  return row.env ?? row.flag;
}
