import { readFileSync } from "node:fs";
import path from "node:path";
import { BROKER_SETTINGS } from "@fleet/broker/settings";
import { CONSOLE_SETTINGS } from "@fleet/console/settings";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./stack-process.ts";

// The README's configuration table is written by hand; the settings tables are what the bins
// accept. This keeps the one from drifting away from the others.

/** Every `UPPER_CASE` name in the table of the README's "## Configuration" section. */
function readmeVariables(): Set<string> {
  const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const section = readme.split(/^## /m).find((part) => part.startsWith("Configuration\n"));
  if (section === undefined) throw new Error("README.md has no ## Configuration section");
  const table = section
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .join("\n");
  return new Set([...table.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!));
}

describe("README configuration table", () => {
  const documented = readmeVariables();

  it.each([
    ["fleet-broker", BROKER_SETTINGS],
    ["fleet-console", CONSOLE_SETTINGS],
  ] as const)("names every environment variable of %s", (_bin, settings) => {
    const missing = settings.map((setting) => setting.env).filter((env) => !documented.has(env));
    expect(missing).toEqual([]);
  });
});
