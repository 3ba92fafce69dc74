import path from "node:path";
import { ConfigError } from "@fleet/settings";
import { describe, expect, it } from "vitest";
import { loadConsoleConfig, type TConsoleCommandLine } from "./command-line.ts";

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

/** The settings of a command line that is not --help. */
function configOf(commandLine: TConsoleCommandLine) {
  if (commandLine.command === "help") throw new Error("expected a command, got --help");
  return commandLine.config;
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
      options: { email: "a@b.co", name: undefined, password: "from env 123" },
    });
    const flagWins = loadConsoleConfig(
      { CONSOLE_ADMIN_PASSWORD: "env" },
      ["create-admin", "--password", "flag pw 1234"],
      cwd,
    );
    expect(flagWins).toMatchObject({ options: { password: "flag pw 1234" } });
  });

  it("uses the documented defaults with an empty environment", () => {
    expect(loadConsoleConfig({}, [], cwd)).toEqual({
      command: "serve",
      options: { dev: false },
      args: {},
      config: {
        port: 3000,
        host: "0.0.0.0",
        databaseUrl: null,
        dataDir: path.join(cwd, "data"),
        mqttUrl: null,
        publicUrl: null,
        uploadMaxMb: 1024,
      },
    });
    expect(loadConsoleConfig({}, ["public-key"], cwd)).toMatchObject({ options: { format: "pem" } });
    expect(loadConsoleConfig({}, ["provision-demo", "--out", "x.json"], cwd)).toMatchObject({
      options: { count: 10, out: "x.json" },
    });
  });

  it("reads every setting from the environment and resolves FLEET_DATA_DIR against cwd", () => {
    const config = configOf(
      loadConsoleConfig(
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
      ),
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
    const parsed = loadConsoleConfig(
      { CONSOLE_PORT: "8080", FLEET_DATA_DIR: "/env/data", MQTT_URL: "mqtt://env:1883" },
      ["--port", "9090", "--data-dir=/flag/data", "--mqtt-url", "mqtts://flag:8883", "--dev"],
      cwd,
    );
    expect(parsed).toMatchObject({
      config: { port: 9090, dataDir: "/flag/data", mqttUrl: "mqtts://flag:8883" },
      options: { dev: true },
    });
  });

  it("treats empty environment values as unset, as compose files produce them", () => {
    expect(configOf(loadConsoleConfig({ DATABASE_URL: "", CONSOLE_PORT: "  ", MQTT_URL: "" }, [], cwd))).toMatchObject({
      databaseUrl: null,
      port: 3000,
      mqttUrl: null,
    });
  });

  it("accepts port 0 (pick a free port) and the build and help commands", () => {
    expect(configOf(loadConsoleConfig({}, ["--port", "0"], cwd)).port).toBe(0);
    expect(loadConsoleConfig({}, ["build"], cwd).command).toBe("build");
    expect(loadConsoleConfig({}, ["--help"], cwd)).toEqual({ command: "help", about: undefined });
    expect(loadConsoleConfig({}, ["create-admin", "-h"], cwd)).toEqual({ command: "help", about: "create-admin" });
  });

  it.each([
    [{ CONSOLE_PORT: "http" }, [], "CONSOLE_PORT", "--port"],
    [{ CONSOLE_PORT: "70000" }, [], "CONSOLE_PORT", "--port"],
    [{}, ["--port=-1"], "CONSOLE_PORT", "--port"],
    [{ CONSOLE_HOST: "local host" }, [], "CONSOLE_HOST", "--host"],
    [{ DATABASE_URL: "mysql://db/fleet" }, [], "DATABASE_URL", "--database-url"],
    [{ MQTT_URL: "broker:1883" }, [], "MQTT_URL", "--mqtt-url"],
    [{}, ["--public-url", "ftp://x"], "CONSOLE_PUBLIC_URL", "--public-url"],
    [{}, ["public-key", "--format", "der"], "--format", "--format"],
    [{}, ["provision-demo", "--out", "x", "--count", "0"], "--count", "--count"],
  ] as const)("refuses %j %j with one line naming %s", (env, argv, setting, flag) => {
    const error = configError(() => loadConsoleConfig(env, argv, cwd));
    expect(error.setting).toBe(setting);
    expect(error.message.startsWith(setting === flag ? `${flag} ` : `${flag} (${setting}) `)).toBe(true);
    expect(error.message).not.toContain("\n");
  });

  it("never echoes a DATABASE_URL or MQTT_URL, which may hold a password", () => {
    const error = configError(() => loadConsoleConfig({ DATABASE_URL: "mysql://u:hunter2@db/x" }, [], cwd));
    expect(error.message).not.toContain("hunter2");
    const mqtt = configError(() => loadConsoleConfig({ MQTT_URL: "http://console:hunter2@b" }, [], cwd));
    expect(mqtt.message).not.toContain("hunter2");
  });

  it("refuses unknown options, options of another command and stray arguments in one short line", () => {
    expect(configError(() => loadConsoleConfig({}, ["--prot", "3000"], cwd)).message).toBe(
      "unknown option --prot; see fleet-console --help",
    );
    expect(configError(() => loadConsoleConfig({}, ["build", "--dev"], cwd)).message).toBe(
      "unknown option --dev; see fleet-console build --help",
    );
    expect(configError(() => loadConsoleConfig({}, ["serve", "now"], cwd)).message).toBe(
      'unexpected argument "now"; see fleet-console --help',
    );
    expect(configError(() => loadConsoleConfig({}, ["provision-demo"], cwd)).message).toBe(
      "--out is required by provision-demo",
    );
  });
});
