import { describe, expect, expectTypeOf, it } from "vitest";
import { helpRequest, parseCommandLine } from "./command-line.ts";
import { ConfigError } from "./config-error.ts";
import { EXAMPLE_CLI } from "./testing/example-cli.ts";

const files: Record<string, string> = {
  "/etc/ex.json": JSON.stringify({ port: 2000, names: ["x", "y"], verbose: true, unknownKey: 1 }),
};
const readTextFile = (path: string): string => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error("no such file"), { code: "ENOENT" });
  return text;
};

const parse = (argv: string[], env: Record<string, string> = {}) =>
  parseCommandLine(EXAMPLE_CLI, { argv, env, readTextFile });

/** The settings of the default command (`serve`), which reads them all. */
function config(argv: string[], env: Record<string, string> = {}) {
  const parsed = parse(argv, env);
  if (parsed.command !== "serve") throw new Error(`expected serve, got ${parsed.command}`);
  return parsed.config;
}

function refusal(argv: string[], env: Record<string, string> = {}): ConfigError {
  try {
    parse(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.message).not.toContain("\n");
    expect(configError.exitCode).toBe(2);
    return configError;
  }
  throw new Error("expected a ConfigError");
}

describe("parseCommandLine", () => {
  it("runs the default command with the defaults when nothing is given", () => {
    expect(parse([])).toEqual({
      command: "serve",
      config: { port: 1883, url: undefined, verbose: false, names: ["a", "b"] },
      options: { dev: false },
      args: {},
    });
  });

  it("takes a flag over the environment, the environment over the config file, the file over the default", () => {
    expect(config(["--config", "/etc/ex.json"])).toMatchObject({ port: 2000, names: ["x", "y"], verbose: true });
    expect(config(["-c", "/etc/ex.json"], { EX_PORT: "3000" }).port).toBe(3000);
    expect(config(["--port=4000"], { EX_PORT: "3000", EX_CONFIG: "/etc/ex.json" })).toMatchObject({
      port: 4000,
      names: ["x", "y"],
    });
  });

  it("treats an empty or blank variable as unset, as compose files write it", () => {
    expect(config([], { EX_PORT: "", EX_URL: "  ", EX_CONFIG: "" })).toMatchObject({
      port: 1883,
      url: undefined,
    });
  });

  it("reads boolean flags alone or with a value, and never takes the next word as their value", () => {
    expect(config(["--verbose"]).verbose).toBe(true);
    expect(config(["--verbose=false"], { EX_VERBOSE: "1" }).verbose).toBe(false);
    expect(refusal(["--verbose", "false"]).message).toBe('unexpected argument "false"; see fleet-example --help');
  });

  it("names the flag and the variable when a value is bad, and echoes the value", () => {
    const fromEnv = refusal([], { EX_PORT: "http" });
    expect(fromEnv.setting).toBe("EX_PORT");
    expect(fromEnv.code).toBe("invalid_value");
    expect(fromEnv.message).toBe('--port (EX_PORT) must be a port number 0-65535 (got "http")');
    expect(refusal(["--port", "70000"]).message).toBe('--port (EX_PORT) must be a port number 0-65535 (got "70000")');
  });

  it("says which config file held a bad value", () => {
    files["/etc/bad.json"] = JSON.stringify({ port: "eighty" });
    expect(refusal(["--config", "/etc/bad.json"]).message).toBe(
      '--port (EX_PORT) must be a port number 0-65535 (got "eighty" in /etc/bad.json)',
    );
  });

  it("never echoes a secret setting", () => {
    const error = refusal([], { EX_URL: "mysql://admin:hunter2@db/x" });
    expect(error.message).toBe("--url (EX_URL) must be a postgresql:// URL");
    expect(refusal(["copy", "a", "--password", "hun"]).message).not.toContain('hun"');
  });

  it("refuses unknown options, options of another command, and flags without a value", () => {
    expect(refusal(["--prot", "1"])).toMatchObject({
      code: "unknown_option",
      message: "unknown option --prot; see fleet-example --help",
    });
    expect(refusal(["-x"]).message).toBe("unknown option -x; see fleet-example --help");
    expect(refusal(["connect", "--dev"], { EX_URL: "postgresql://h/db" }).message).toBe(
      "unknown option --dev; see fleet-example connect --help",
    );
    expect(refusal(["--port"])).toMatchObject({
      code: "missing_value",
      setting: "EX_PORT",
      message: "--port needs a value; see fleet-example --help",
    });
    expect(refusal(["--port", "--verbose"]).message).toBe("--port needs a value; see fleet-example --help");
    expect(config(["--names=--x"]).names).toEqual(["--x"]);
  });

  it("takes a command's positional arguments and refuses missing or extra ones", () => {
    const copy = parse(["copy", "a", "--password", "s3cret"]);
    expect(copy).toMatchObject({
      command: "copy",
      args: { from: "a", to: undefined },
      options: { password: "s3cret" },
    });
    expect(parse(["copy", "a", "b"], { EX_PASSWORD: "from env" }).args).toEqual({ from: "a", to: "b" });
    expect(refusal(["copy"], { EX_PASSWORD: "pass" })).toMatchObject({
      code: "missing_argument",
      message: "copy needs FROM; see fleet-example copy --help",
    });
    expect(refusal(["copy", "a", "b", "c"], { EX_PASSWORD: "pass" }).code).toBe("unexpected_argument");
    expect(refusal(["serve", "now"]).message).toBe('unexpected argument "now"; see fleet-example --help');
  });

  it("refuses a command that runs without a setting it requires, or an option it needs", () => {
    expect(refusal(["connect"])).toMatchObject({
      code: "required",
      setting: "EX_URL",
      message: "--url (EX_URL) is required by connect",
    });
    expect(refusal(["copy", "a"]).message).toBe("--password (EX_PASSWORD) is required by copy");
  });

  it("does not read the table's settings for a command that needs none", () => {
    expect(parse(["hash"], { EX_PORT: "not a port" })).toEqual({ command: "hash", config: {}, options: {}, args: {} });
    expect(refusal(["hash", "--port", "1"]).message).toBe("unknown option --port; see fleet-example hash --help");
  });

  it("refuses an unreadable or malformed config file", () => {
    expect(refusal(["--config", "/nonexistent.json"])).toMatchObject({
      code: "config_file",
      setting: "EX_CONFIG",
      message: "config file /nonexistent.json cannot be read (ENOENT)",
    });
    files["/etc/list.json"] = "[1,2]";
    expect(refusal([], { EX_CONFIG: "/etc/list.json" }).message).toBe(
      "config file /etc/list.json is not a JSON object",
    );
  });

  it("types each command's result from the table", () => {
    const parsed = parse(["connect"], { EX_URL: "postgresql://h/db" });
    expectTypeOf(parsed.command).toEqualTypeOf<"serve" | "connect" | "copy" | "hash">();
    if (parsed.command === "connect") expectTypeOf(parsed.config.url).toEqualTypeOf<string>();
    if (parsed.command === "serve") {
      expectTypeOf(parsed.config.url).toEqualTypeOf<string | undefined>();
      expectTypeOf(parsed.config.port).toEqualTypeOf<number>();
      expectTypeOf(parsed.config.names).toEqualTypeOf<string[]>();
      expectTypeOf(parsed.options.dev).toEqualTypeOf<boolean>();
    }
    if (parsed.command === "copy") {
      expectTypeOf(parsed.args).toEqualTypeOf<{ from: string; to: string | undefined }>();
      expectTypeOf(parsed.options.password).toEqualTypeOf<string>();
    }
    expect(parsed.command).toBe("connect");
  });
});

describe("helpRequest", () => {
  it("answers --help and -h anywhere, naming the command when one is given", () => {
    expect(helpRequest(EXAMPLE_CLI, ["--help"])).toEqual({ command: undefined });
    expect(helpRequest(EXAMPLE_CLI, ["--port", "bad", "-h"])).toEqual({ command: undefined });
    expect(helpRequest(EXAMPLE_CLI, ["copy", "--help"])).toEqual({ command: "copy" });
    expect(helpRequest(EXAMPLE_CLI, ["--unknown", "--help"])).toEqual({ command: undefined });
    expect(helpRequest(EXAMPLE_CLI, ["--port", "1"])).toBeUndefined();
  });

  it("answers an empty command line when the bin has no default command", () => {
    const { defaultCommand: _default, ...withoutDefault } = EXAMPLE_CLI;
    expect(helpRequest(withoutDefault, [])).toEqual({ command: undefined });
    expect(helpRequest(withoutDefault, ["connect"])).toBeUndefined();
    expect(() => parseCommandLine(withoutDefault, { argv: ["conect"] })).toThrow(
      'unknown command "conect"; see fleet-example --help',
    );
  });
});
