import { describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.ts";
import { parseConfigFile } from "./config-file.ts";
import { maskSecrets, resolveSettings } from "./resolve-settings.ts";
import { EXAMPLE_SETTINGS } from "./testing/example-cli.ts";

describe("resolveSettings", () => {
  it("takes flag > environment > config file > default, row by row", () => {
    const file = parseConfigFile("/f.json", JSON.stringify({ port: 3, verbose: true, names: "f" }), "EX_CONFIG");
    const values = resolveSettings(EXAMPLE_SETTINGS, {
      flags: new Map([["port", "1"]]),
      env: { EX_PORT: "2", EX_NAMES: "e" },
      file,
    });
    expect(values).toEqual({ port: 1, url: undefined, verbose: true, names: ["e"] });
  });

  it("reads the environment alone, empty values as unset", () => {
    expect(resolveSettings(EXAMPLE_SETTINGS, { env: { EX_PORT: "", EX_NAMES: "q" } })).toEqual({
      port: 1883,
      url: undefined,
      verbose: false,
      names: ["q"],
    });
  });

  it("refuses a required setting that is unset, naming flag and variable", () => {
    const run = () => resolveSettings(EXAMPLE_SETTINGS, {}, { required: ["url"] });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow("--url (EX_URL) is required");
  });

  it("truncates a long value it echoes", () => {
    const run = () => resolveSettings(EXAMPLE_SETTINGS, { env: { EX_PORT: "9".repeat(200) } });
    expect(run).toThrow(`(got "${"9".repeat(80)}…")`);
  });
});

describe("maskSecrets", () => {
  it("masks the secret settings that are set, for printing", () => {
    expect(maskSecrets(EXAMPLE_SETTINGS, { port: 1, url: "postgresql://u:pw@h/db" })).toEqual({
      port: 1,
      url: "********",
    });
    expect(maskSecrets(EXAMPLE_SETTINGS, { url: undefined })).toEqual({ url: undefined });
  });
});
