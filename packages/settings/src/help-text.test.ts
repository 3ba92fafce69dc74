import { describe, expect, it } from "vitest";
import { helpText } from "./help-text.ts";
import { EXAMPLE_CLI, EXAMPLE_SETTINGS } from "./testing/example-cli.ts";

describe("helpText", () => {
  const help = helpText(EXAMPLE_CLI);

  it("lists every setting with its flag, variable, config key, default and meaning", () => {
    for (const row of EXAMPLE_SETTINGS) {
      const line = help.split("\n").find((candidate) => candidate.startsWith(`  ${row.flag}`));
      expect(line, row.flag).toBeDefined();
      expect(line).toContain(row.env);
      expect(line).toContain(` ${row.key} `);
      expect(line).toContain(` ${"default" in row ? row.default : "unset"} `);
      expect(line).toContain(row.meaning);
    }
    expect(help).toContain("--verbose[=BOOL]");
    expect(help).toContain("-c, --config FILE");
    expect(help).toContain("flag > environment > config file > default");
  });

  it("gives the usage of every command, the options of each, and the notes", () => {
    expect(help).toMatch(/^fleet-example: an example bin\n/);
    expect(help).toContain("fleet-example serve [options] [settings]");
    expect(help).toContain("fleet-example copy FROM [TO] --password P");
    expect(help).toContain("  fleet-example hash\n");
    expect(help).toMatch(/\n {2}serve +serve \(the default\)\n/);
    expect(help).toContain("Options of copy:");
    expect(help).toMatch(/--password P +EX_PASSWORD +required +password/);
    expect(help.trimEnd().endsWith("Exit codes: 0 done, 2 bad setting.")).toBe(true);
  });

  it("keeps lines within 120 columns, wrapping long meanings", () => {
    for (const line of help.split("\n")) expect(line.length).toBeLessThanOrEqual(120);
  });

  it("gives one command's help", () => {
    const copy = helpText(EXAMPLE_CLI, "copy");
    expect(copy).toMatch(/^Usage: fleet-example copy FROM \[TO\] --password P \[settings\]\n\ncopy a file\n/);
    expect(copy).toMatch(/FROM +source/);
    expect(copy).toContain("see fleet-example --help");
    expect(helpText(EXAMPLE_CLI, "hash")).not.toContain("Settings");
  });
});
