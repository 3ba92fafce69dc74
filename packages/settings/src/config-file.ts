// A JSON config file (the agent's `--config FILE`) turned into raw values, so that a key read from
// the file passes the same schema as the flag and the variable: 4 → "4", ["tfjs", "onnx"] → "tfjs,onnx".
import { ConfigError } from "./config-error.ts";

export interface TConfigFileValues {
  readonly path: string;
  /** Raw values by setting key. */
  readonly values: ReadonlyMap<string, string>;
}

/** Reads a file as text; the package does no I/O of its own, so the bin passes node:fs's. */
export type TReadTextFile = (path: string) => string;

const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean";

function rawValue(value: unknown): string | undefined {
  if (isScalar(value)) return String(value);
  if (Array.isArray(value) && value.every(isScalar)) return value.map(String).join(",");
  return undefined;
}

/** Parses the text of a config file; `null` values count as unset, keys of no setting are left alone. */
export function parseConfigFile(path: string, text: string, settingName: string): TConfigFileValues {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new ConfigError(settingName, `config file ${path} is not a JSON object`, { code: "config_file" });
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(parsed)) {
    if (value === null) continue;
    const raw = rawValue(value);
    if (raw === undefined)
      throw new ConfigError(
        settingName,
        `config file ${path}: ${key} must be a string, a number, a boolean or a list of them`,
        { code: "config_file" },
      );
    values.set(key, raw);
  }
  return { path, values };
}

/** Reads and parses a config file; an unreadable one is a ConfigError naming its errno code. */
export function readConfigFile(path: string, read: TReadTextFile, settingName: string): TConfigFileValues {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? "error";
    throw new ConfigError(settingName, `config file ${path} cannot be read (${code})`, {
      code: "config_file",
      cause: error,
    });
  }
  return parseConfigFile(path, text, settingName);
}
