import { describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.ts";
import { parseConfigFile, readConfigFile } from "./config-file.ts";

describe("config file", () => {
  it("turns numbers, booleans and lists into the raw values flags would give", () => {
    const { values } = parseConfigFile(
      "/a.json",
      JSON.stringify({ n: 4, b: false, list: ["tfjs", "onnx"], s: "x", gone: null }),
      "CONFIG",
    );
    expect(Object.fromEntries(values)).toEqual({ n: "4", b: "false", list: "tfjs,onnx", s: "x" });
  });

  it.each([
    ["[1]", "config file /a.json is not a JSON object"],
    ["{", "config file /a.json is not a JSON object"],
    ['{"n": {"deep": 1}}', "config file /a.json: n must be a string, a number, a boolean or a list of them"],
  ])("refuses %s", (text, message) => {
    expect(() => parseConfigFile("/a.json", text, "CONFIG")).toThrow(message);
  });

  it("names the errno code of an unreadable file", () => {
    const read = () => {
      throw Object.assign(new Error("denied"), { code: "EACCES" });
    };
    expect(() => readConfigFile("/a.json", read, "CONFIG")).toThrow(ConfigError);
    expect(() => readConfigFile("/a.json", read, "CONFIG")).toThrow(
      expect.objectContaining({ code: "config_file", message: "config file /a.json cannot be read (EACCES)" }),
    );
  });
});
