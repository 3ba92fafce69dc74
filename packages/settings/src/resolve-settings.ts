// Turns a table and its sources into typed values: flag > environment > config file > default, each
// raw value through the row's schema, a bad or missing one a ConfigError naming flag and variable.
import { ConfigError } from "./config-error.ts";
import type { TConfigFileValues } from "./config-file.ts";
import { describeSetting, settingName, type TEnv, type TSetting, type TSettingValues } from "./define.ts";

export interface TSettingSources {
  /** Raw values given on the command line, by setting key. */
  readonly flags?: ReadonlyMap<string, string> | undefined;
  /** `FOO=` (as compose files write an unset variable) or only spaces counts as unset. */
  readonly env?: TEnv | undefined;
  readonly file?: TConfigFileValues | undefined;
}

/** Where a raw value came from, for the error message. */
interface TOrigin {
  readonly raw: string;
  readonly from: "flag" | "env" | "file" | "default";
}

/** Longest value echoed in an error message. */
const SHOWN_CHARS = 80;

function rawOf(row: TSetting, sources: TSettingSources): TOrigin | undefined {
  const flag = sources.flags?.get(row.key);
  if (flag !== undefined) return { raw: flag, from: "flag" };
  const fromEnv = row.env === undefined ? undefined : sources.env?.[row.env]?.trim();
  if (fromEnv !== undefined && fromEnv !== "") return { raw: fromEnv, from: "env" };
  const fromFile = sources.file?.values.get(row.key);
  if (fromFile !== undefined) return { raw: fromFile, from: "file" };
  return row.default === undefined ? undefined : { raw: row.default, from: "default" };
}

function shown(row: TSetting, origin: TOrigin, file: string | undefined): string {
  const where = origin.from === "file" && file !== undefined ? ` in ${file}` : "";
  if (row.secret) return where === "" ? "" : ` (${where.trimStart()})`;
  const value = origin.raw.length > SHOWN_CHARS ? `${origin.raw.slice(0, SHOWN_CHARS)}…` : origin.raw;
  return ` (got ${JSON.stringify(value)}${where})`;
}

/** One row's typed value; `undefined` when unset without a default. */
export function resolveSetting(row: TSetting, sources: TSettingSources, requiredBy?: string): unknown {
  const origin = rawOf(row, sources);
  if (origin === undefined) {
    if (requiredBy === undefined) return undefined;
    throw new ConfigError(settingName(row), `${describeSetting(row)} is required${requiredBy}`, { code: "required" });
  }
  const result = row.schema.safeParse(origin.raw);
  if (result.success) return result.data;
  const reason = result.error.issues[0]?.message ?? "is invalid";
  throw new ConfigError(
    settingName(row),
    `${describeSetting(row)} ${reason}${shown(row, origin, sources.file?.path)}`.replace(/\s*\n\s*/g, " "),
  );
}

/**
 * Every row of `rows` as a typed value. `required` names keys that must end up set (with ` by
 * COMMAND` in the message when `command` is given); rows marked `required` always must.
 */
export function resolveSettings<const TRows extends readonly TSetting[]>(
  rows: TRows,
  sources: TSettingSources,
  options: { required?: readonly string[]; command?: string } = {},
): TSettingValues<TRows> {
  const required = new Set(options.required);
  const by = options.command === undefined ? "" : ` by ${options.command}`;
  const values: Record<string, unknown> = {};
  for (const row of rows) {
    values[row.key] = resolveSetting(row, sources, row.required || required.has(row.key) ? by : undefined);
  }
  // The loop above wrote one property per row, each through that row's schema: the mapped type.
  return values as TSettingValues<TRows>;
}

/** A copy of `values` for printing, with secret settings masked. */
export function maskSecrets(
  rows: readonly TSetting[],
  values: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...values };
  for (const row of rows) if (row.secret && masked[row.key] !== undefined) masked[row.key] = "********";
  return masked;
}
