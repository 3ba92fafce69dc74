import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineCli, defineSettings, type TSetting } from "./define.ts";

const row = (over: Partial<TSetting>): TSetting => ({
  key: "a",
  env: "A",
  flag: "--a",
  arg: "X",
  meaning: "a",
  schema: z.string(),
  ...over,
});

describe("defineSettings / defineCli", () => {
  it("refuses a table that names a key, flag or variable twice", () => {
    expect(() => defineSettings([row({}), row({ env: "B", flag: "--b" })])).toThrow("key a appears twice");
    expect(() => defineSettings([row({}), row({ key: "b", env: "B" })])).toThrow("flag --a appears twice");
    expect(() => defineSettings([row({}), row({ key: "b", flag: "--b" })])).toThrow("variable A appears twice");
  });

  it("refuses a default that its own schema refuses", () => {
    expect(() => defineSettings([row({ default: "x", schema: z.string().regex(/^\d+$/) })])).toThrow(
      "the default of --a does not pass its own schema",
    );
  });

  it("refuses commands that require unknown settings, shadow one, or hide a word without being the default", () => {
    const settings = [row({})];
    expect(() =>
      defineCli({ bin: "b", summary: "", settings, commands: { run: { summary: "", requires: ["b"] } } }),
    ).toThrow("run requires b, which is no setting");
    expect(() =>
      defineCli({ bin: "b", summary: "", settings, commands: { run: { summary: "", options: [row({ env: "B" })] } } }),
    ).toThrow("run option a shadows a setting");
    expect(() =>
      defineCli({ bin: "b", summary: "", settings, commands: { run: { summary: "", implicit: true } } }),
    ).toThrow("must be the default command");
  });
});
