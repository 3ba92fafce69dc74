import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, consoleConfigToEnv, loadConsoleConfig } from "./config.ts";

const cwd = "/srv/fleet";

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConsoleConfig", () => {
  it("parses create-admin with its flags; the password may come from CONSOLE_ADMIN_PASSWORD", () => {
    const parsed = loadConsoleConfig(
      { CONSOLE_ADMIN_PASSWORD: "from env 123" },
      ["create-admin", "--email", "a@b.co"],
      cwd,
    );
    expect(parsed).toMatchObject({
      command: "create-admin",
      admin: { email: "a@b.co", name: null, password: "from env 123" },
    });
    const flagWins = loadConsoleConfig(
      { CONSOLE_ADMIN_PASSWORD: "env" },
      ["create-admin", "--password", "flag pw 1234"],
      cwd,
    );
    expect(flagWins.admin.password).toBe("flag pw 1234");
  });

  it("uses the documented defaults with an empty environment", () => {
    expect(loadConsoleConfig({}, [], cwd)).toEqual({
      command: "serve",
      dev: false,
      force: false,
      admin: { email: null, name: null, password: null },
      keyFormat: "pem",
      demo: { count: 10, out: null },
      port: 3000,
      host: "0.0.0.0",
      databaseUrl: null,
      dataDir: path.join(cwd, "data"),
      mqttUrl: null,
      publicUrl: null,
      uploadMaxMb: 1024,
    });
  });

  it("reads every setting from the environment and resolves FLEET_DATA_DIR against cwd", () => {
    const config = loadConsoleConfig(
      {
        CONSOLE_PORT: "8080",
        CONSOLE_HOST: "127.0.0.1",
        DATABASE_URL: "postgresql://fleet:secret@db:5432/fleet",
        FLEET_DATA_DIR: "var/fleet",
        MQTT_URL: "mqtt://broker:1883",
        CONSOLE_PUBLIC_URL: "https://console.example.com",
      },
      [],
      cwd,
    );
    expect(config).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      databaseUrl: "postgresql://fleet:secret@db:5432/fleet",
      dataDir: path.join(cwd, "var/fleet"),
      mqttUrl: "mqtt://broker:1883",
      publicUrl: "https://console.example.com",
    });
  });

  it("lets flags override the environment", () => {
    const config = loadConsoleConfig(
      { CONSOLE_PORT: "8080", FLEET_DATA_DIR: "/env/data", MQTT_URL: "mqtt://env:1883" },
      ["--port", "9090", "--data-dir=/flag/data", "--mqtt-url", "mqtts://flag:8883", "--dev"],
      cwd,
    );
    expect(config).toMatchObject({ port: 9090, dataDir: "/flag/data", mqttUrl: "mqtts://flag:8883", dev: true });
  });

  it("treats empty environment values as unset, as compose files produce them", () => {
    expect(loadConsoleConfig({ DATABASE_URL: "", CONSOLE_PORT: "  ", MQTT_URL: "" }, [], cwd)).toMatchObject({
      databaseUrl: null,
      port: 3000,
      mqttUrl: null,
    });
  });

  it("accepts port 0 (pick a free port) and the build and help commands", () => {
    expect(loadConsoleConfig({}, ["--port", "0"], cwd).port).toBe(0);
    expect(loadConsoleConfig({}, ["build"], cwd).command).toBe("build");
    expect(loadConsoleConfig({}, ["--help"], cwd).command).toBe("help");
  });

  it.each([
    [{ CONSOLE_PORT: "http" }, [], "CONSOLE_PORT"],
    [{ CONSOLE_PORT: "70000" }, [], "CONSOLE_PORT"],
    [{}, ["--port=-1"], "--port"],
    [{ CONSOLE_HOST: "local host" }, [], "CONSOLE_HOST"],
    [{ DATABASE_URL: "mysql://db/fleet" }, [], "DATABASE_URL"],
    [{ MQTT_URL: "broker:1883" }, [], "MQTT_URL"],
    [{}, ["--public-url", "ftp://x"], "--public-url"],
  ] as const)("refuses %j %j with one line naming %s", (env, argv, setting) => {
    const error = configError(() => loadConsoleConfig(env, argv, cwd));
    expect(error.setting).toBe(setting);
    expect(error.message.startsWith(`${setting} `)).toBe(true);
    expect(error.message).not.toContain("\n");
  });

  it("never echoes a DATABASE_URL, which may hold a password", () => {
    const error = configError(() => loadConsoleConfig({ DATABASE_URL: "mysql://u:hunter2@db/x" }, [], cwd));
    expect(error.message).not.toContain("hunter2");
  });

  it("refuses unknown options and stray arguments in one short line", () => {
    expect(configError(() => loadConsoleConfig({}, ["--prot", "3000"], cwd)).message).toBe(
      "unknown option --prot; see fleet-console --help",
    );
    expect(configError(() => loadConsoleConfig({}, ["serve", "now"], cwd)).message).toBe(
      'unexpected argument "now"; see fleet-console --help',
    );
  });
});

describe("consoleConfigToEnv", () => {
  it("round-trips through loadConsoleConfig", () => {
    const {
      command: _c,
      dev: _d,
      force: _f,
      admin: _a,
      ...config
    } = loadConsoleConfig(
      { DATABASE_URL: "postgres://u@h:1/d", MQTT_URL: "ws://b:8083", CONSOLE_PORT: "4000" },
      [],
      cwd,
    );
    const {
      command: _c2,
      dev: _d2,
      force: _f2,
      admin: _a2,
      ...again
    } = loadConsoleConfig(consoleConfigToEnv(config), [], "/elsewhere");
    expect(again).toEqual(config);
  });
});
