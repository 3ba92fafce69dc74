import path from "node:path";
import { describe, expect, it } from "vitest";
import { consoleConfigToEnv, loadConsoleSettings } from "./settings.ts";

describe("console settings", () => {
  it("reads the environment alone, as the Next runtime does, with the defaults of the table", () => {
    expect(loadConsoleSettings({ MQTT_URL: "mqtt://b:1883" }, "/srv")).toEqual({
      port: 3000,
      host: "0.0.0.0",
      databaseUrl: null,
      dataDir: path.join("/srv", "data"),
      mqttUrl: "mqtt://b:1883",
      publicUrl: null,
      uploadMaxMb: 1024,
    });
  });

  it("round-trips through consoleConfigToEnv", () => {
    const config = loadConsoleSettings(
      { DATABASE_URL: "postgres://u@h:1/d", MQTT_URL: "ws://b:8083", CONSOLE_PORT: "4000" },
      "/srv/fleet",
    );
    expect(loadConsoleSettings(consoleConfigToEnv(config), "/elsewhere")).toEqual(config);
  });
});
