// `--help` written from the table, so it lists exactly what the parser accepts: usage per command,
// then every setting with its flag, variable, default and meaning, then each command's options.
import type { TCli, TCommand, TCommandsOf, TConfigFile, TSetting } from "./define.ts";

/** Widest line we aim for; a long meaning wraps under its own column. */
const LINE_WIDTH = 120;
const MIN_MEANING_WIDTH = 40;
const GAP = "  ";

/** What the help reads of any table's command line. */
interface TAnyCli {
  readonly bin: string;
  readonly settings: readonly TSetting[];
  readonly configFile?: TConfigFile | undefined;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** Aligned columns under an optional header, the last one wrapped; columns empty in every row are left out. */
function columns(body: readonly (readonly string[])[], header?: readonly string[], indent = "  "): string[] {
  if (body.length === 0) return [];
  const rows = header === undefined ? body : [header, ...body];
  const count = Math.max(...rows.map((row) => row.length));
  const kept = [...Array(count).keys()].filter(
    (column) => column === count - 1 || body.some((row) => (row[column] ?? "") !== ""),
  );
  const fixed = kept.slice(0, -1);
  const widths = fixed.map((column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const prefixWidth = indent.length + widths.reduce((sum, width) => sum + width + GAP.length, 0);
  const meaningWidth = Math.max(MIN_MEANING_WIDTH, LINE_WIDTH - prefixWidth);
  return rows.flatMap((row) => {
    const prefix = indent + fixed.map((column, i) => (row[column] ?? "").padEnd(widths[i]!) + GAP).join("");
    const [first = "", ...rest] = wrap(row[count - 1] ?? "", meaningWidth);
    return [(prefix + first).trimEnd(), ...rest.map((line) => " ".repeat(prefixWidth) + line)];
  });
}

function flagCell(row: Pick<TSetting, "flag" | "short" | "arg" | "boolean">): string {
  const names = row.short === undefined ? row.flag : `-${row.short}, ${row.flag}`;
  return row.boolean ? `${names}[=${row.arg}]` : `${names} ${row.arg}`;
}

function defaultCell(row: TSetting): string {
  if (row.default !== undefined) return row.default === "" ? '""' : row.default;
  return row.required ? "required" : "unset";
}

function settingRows(rows: readonly TSetting[], withKeys: boolean): string[][] {
  return rows.map((row) => [flagCell(row), row.env ?? "", withKeys ? row.key : "", defaultCell(row), row.meaning]);
}

function usage(cli: TAnyCli, name: string, command: TCommand): string {
  const words = [cli.bin];
  if (!command.implicit) words.push(name);
  for (const positional of command.positionals ?? [])
    words.push(positional.optional ? `[${positional.arg}]` : positional.arg);
  const options = command.options ?? [];
  for (const option of options.filter((row) => row.required)) words.push(`${option.flag} ${option.arg}`);
  if (options.some((row) => !row.required)) words.push("[options]");
  if (command.settings !== false && cli.settings.length > 0) words.push("[settings]");
  return words.join(" ");
}

function precedence(cli: TAnyCli): string {
  return cli.configFile ? "flag > environment > config file > default" : "flag > environment > default";
}

function settingsSection(cli: TAnyCli): string[] {
  if (cli.settings.length === 0) return [];
  const withKeys = cli.configFile !== undefined;
  const header = ["flag", "environment", withKeys ? "config key" : "", "default", "meaning"];
  const extra: string[][] = [];
  if (cli.configFile) {
    const file = cli.configFile;
    extra.push([flagCell(file), file.env ?? "", "", "unset", file.meaning]);
  }
  return ["", `Settings (${precedence(cli)}):`, ...columns([...settingRows(cli.settings, withKeys), ...extra], header)];
}

function optionsSection(title: string, options: readonly TSetting[]): string[] {
  if (options.length === 0) return [];
  return ["", title, ...columns(settingRows(options, false), ["flag", "environment", "", "default", "meaning"])];
}

/** The help of the whole bin, or of one of its commands. */
export function helpText<const TSettings extends readonly TSetting[], const TCommands extends TCommandsOf<TSettings>>(
  cli: TCli<TSettings, TCommands>,
  commandName?: keyof TCommands & string,
): string {
  const commands = Object.entries(cli.commands);
  const command = commandName === undefined ? undefined : cli.commands[commandName];
  if (commandName !== undefined && command !== undefined) {
    return [
      `Usage: ${usage(cli, commandName, command)}`,
      "",
      ...wrap(command.summary, LINE_WIDTH),
      ...(command.details === undefined ? [] : ["", command.details]),
      ...(command.positionals?.length
        ? ["", "Arguments:", ...columns(command.positionals.map((p) => [p.arg, p.meaning]))]
        : []),
      ...optionsSection("Options:", command.options ?? []),
      ...(command.settings !== false && cli.settings.length > 0
        ? ["", `Settings: see ${cli.bin} --help (${precedence(cli)}).`]
        : []),
      "",
    ].join("\n");
  }
  return [
    `${cli.bin}: ${cli.summary}`,
    "",
    "Usage:",
    ...commands.map(([name, spec]) => `  ${usage(cli, name, spec)}`),
    `  ${cli.bin}${commands.some(([, spec]) => !spec.implicit) ? " [COMMAND]" : ""} --help`,
    "",
    "Commands:",
    ...columns(
      commands.map(([name, spec]) => [
        spec.implicit ? "(none)" : name,
        name === cli.defaultCommand && !spec.implicit ? `${spec.summary} (the default)` : spec.summary,
      ]),
    ),
    ...settingsSection(cli),
    ...commands.flatMap(([name, spec]) =>
      optionsSection(`Options of ${spec.implicit ? cli.bin : name}:`, spec.options ?? []),
    ),
    ...(cli.notes === undefined ? [] : ["", cli.notes]),
    "",
  ].join("\n");
}
