import { isAbsolute } from "node:path";
import { describe, expect, it } from "vitest";
import { loadBrokerConfig, type TEnv } from "./config.ts";
import { ConfigError } from "@fleet/settings";
import { BROKER_SETTINGS, brokerHelpText } from "./settings.ts";

function configError(env: TEnv, argv: string[] = []): ConfigError {
  try {
    loadBrokerConfig(env, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.message).not.toContain("\n"); // one line, printed as is by the bin
    return configError;
  }
  throw new Error("expected a ConfigError");
}

describe("loadBrokerConfig", () => {
  it("uses the documented defaults when nothing is set", () => {
    const config = loadBrokerConfig({});
    expect(config).toMatchObject({
      host: "0.0.0.0",
      mqttPort: 1883,
      wsPort: 8083,
      wsPath: "/mqtt",
      tls: null,
      metrics: { host: "127.0.0.1", port: 9464 },
      allowAnonymous: false,
      databaseUrl: null,
      redisUrl: null,
      logLevel: "info",
    });
    expect(isAbsolute(config.dataDir)).toBe(true);
    expect(config.dataDir.endsWith("data")).toBe(true);
  });

  it("reads every setting from the environment", () => {
    const config = loadBrokerConfig({
      MQTT_HOST: "127.0.0.1",
      MQTT_PORT: "1999",
      MQTT_WS_PORT: "0",
      MQTT_WS_PATH: "/ws",
      METRICS_PORT: "off",
      MQTT_ALLOW_ANONYMOUS: "true",
      DATABASE_URL: "postgresql://fleet:pw@db:5432/fleet",
      REDIS_URL: "redis://cache:6379",
      FLEET_DATA_DIR: "/var/lib/fleet",
      LOG_LEVEL: "debug",
    });
    expect(config).toMatchObject({
      host: "127.0.0.1",
      mqttPort: 1999,
      wsPort: 0,
      wsPath: "/ws",
      metrics: null,
      allowAnonymous: true,
      databaseUrl: "postgresql://fleet:pw@db:5432/fleet",
      redisUrl: "redis://cache:6379",
      dataDir: "/var/lib/fleet",
      logLevel: "debug",
    });
  });

  it("lets flags override the environment, in both --flag value and --flag=value forms", () => {
    const config = loadBrokerConfig({ MQTT_PORT: "1883", MQTT_WS_PORT: "8083", MQTT_ALLOW_ANONYMOUS: "false" }, [
      "--mqtt-port",
      "1884",
      "--ws-port=off",
      "--allow-anonymous",
      "--metrics-host",
      "0.0.0.0",
    ]);
    expect(config.mqttPort).toBe(1884);
    expect(config.wsPort).toBeNull();
    expect(config.allowAnonymous).toBe(true);
    expect(config.metrics?.host).toBe("0.0.0.0");
    expect(loadBrokerConfig({ MQTT_ALLOW_ANONYMOUS: "1" }, ["--allow-anonymous=false"]).allowAnonymous).toBe(false);
  });

  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["false", false],
    ["0", false],
  ])("accepts MQTT_ALLOW_ANONYMOUS=%s", (raw, expected) => {
    expect(loadBrokerConfig({ MQTT_ALLOW_ANONYMOUS: raw }).allowAnonymous).toBe(expected);
  });

  it("treats an empty variable as unset (FOO= in a compose file)", () => {
    expect(loadBrokerConfig({ MQTT_PORT: "", DATABASE_URL: "" })).toMatchObject({ mqttPort: 1883, databaseUrl: null });
  });

  it.each([
    [
      { MQTT_PORT: "abc" },
      "MQTT_PORT",
      '--mqtt-port (MQTT_PORT) must be a port number 0-65535 (0 = any free port) (got "abc")',
    ],
    [
      { MQTT_PORT: "65536" },
      "MQTT_PORT",
      '--mqtt-port (MQTT_PORT) must be a port number 0-65535 (0 = any free port) (got "65536")',
    ],
    [{ MQTT_PORT: "-1" }, "MQTT_PORT", '(got "-1")'],
    [
      { MQTT_WS_PORT: "8o83" },
      "MQTT_WS_PORT",
      '--ws-port (MQTT_WS_PORT) must be a port number 0-65535 (0 = any free port), or off (got "8o83")',
    ],
    [{ METRICS_PORT: "yes" }, "METRICS_PORT", "--metrics-port (METRICS_PORT) must be"],
    [
      { MQTT_ALLOW_ANONYMOUS: "yes" },
      "MQTT_ALLOW_ANONYMOUS",
      '--allow-anonymous (MQTT_ALLOW_ANONYMOUS) must be true, false, 1 or 0 (got "yes")',
    ],
    [
      { MQTT_HOST: "not a host" },
      "MQTT_HOST",
      '--host (MQTT_HOST) must be an IP address or a host name (got "not a host")',
    ],
    [
      { MQTT_WS_PATH: "mqtt" },
      "MQTT_WS_PATH",
      '--ws-path (MQTT_WS_PATH) must be an HTTP path starting with "/" (got "mqtt")',
    ],
    [
      { LOG_LEVEL: "loud" },
      "LOG_LEVEL",
      '--log-level (LOG_LEVEL) must be one of debug, info, warn, error, silent (got "loud")',
    ],
    [{ REDIS_URL: "localhost:6379" }, "REDIS_URL", "--redis-url (REDIS_URL) must be a URL like redis://host:6379"],
  ])("refuses %o with a one-line error naming %s", (env, setting, message) => {
    const error = configError(env);
    expect(error.setting).toBe(setting);
    expect(error.message).toContain(message);
  });

  it("never echoes a URL setting, which may carry a password", () => {
    const error = configError({ DATABASE_URL: "mysql://admin:hunter2@db/fleet" });
    expect(error.setting).toBe("DATABASE_URL");
    expect(error.message).toBe(
      "--database-url (DATABASE_URL) must be a URL like postgresql://user:password@host:5432/fleet",
    );
    expect(error.message).not.toContain("hunter2");
  });

  it("names the flag when the bad value came from the command line", () => {
    const error = configError({ MQTT_PORT: "1883" }, ["--mqtt-port", "x"]);
    expect(error.setting).toBe("MQTT_PORT");
    expect(error.message).toBe('--mqtt-port (MQTT_PORT) must be a port number 0-65535 (0 = any free port) (got "x")');
  });

  it("refuses unknown options, stray arguments and flags without a value", () => {
    expect(configError({}, ["--mqtt-prot", "1"]).message).toBe("unknown option --mqtt-prot; see fleet-broker --help");
    expect(configError({}, ["1884"]).message).toBe('unexpected argument "1884"; see fleet-broker --help');
    expect(configError({}, ["--mqtt-port"]).message).toBe("--mqtt-port needs a value; see fleet-broker --help");
  });

  it("enables TLS only with both a certificate and a key", () => {
    expect(configError({ MQTT_TLS_CERT: "/c.pem" }).message).toBe(
      "MQTT_TLS_CERT is set but MQTT_TLS_KEY is not; set both (or neither) to enable TLS",
    );
    expect(configError({ MQTT_TLS_KEY: "/k.pem" }).setting).toBe("MQTT_TLS_CERT");
    expect(loadBrokerConfig({ MQTT_TLS_CERT: "/c.pem", MQTT_TLS_KEY: "/k.pem" }).tls).toEqual({
      certFile: "/c.pem",
      keyFile: "/k.pem",
      port: 8883,
      wssPort: 8084,
    });
  });

  it("refuses two listeners on the same fixed port, but allows several ephemeral ones", () => {
    expect(configError({ MQTT_WS_PORT: "1883" }).message).toBe(
      "MQTT_WS_PORT 1883 is the same port as MQTT_PORT; give each listener its own port",
    );
    expect(() => loadBrokerConfig({ MQTT_PORT: "0", MQTT_WS_PORT: "0", METRICS_PORT: "0" })).not.toThrow();
  });
});

describe("fleet-broker --help", () => {
  it("documents every setting with its flag, variable and default", () => {
    const lines = brokerHelpText().split("\n");
    for (const spec of BROKER_SETTINGS) {
      const line = lines.find((candidate) => candidate.startsWith(`  ${spec.flag}`));
      expect(line, spec.flag).toContain(` ${spec.env} `);
      expect(line).toContain(` ${"default" in spec ? spec.default : "unset"} `);
    }
  });
});
