import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "@fleet/settings";
import { deviceIdentity, loadAgentConfig } from "./config.ts";

const required = {
  FLEET_AGENT_BROKER_URL: "mqtt://127.0.0.1:1883",
  FLEET_AGENT_DEVICE_ID: "gw-0001",
  FLEET_AGENT_SECRET: "0123456789abcdef0123",
};

describe("agent config", () => {
  it("reads the environment and applies defaults", () => {
    const { config } = loadAgentConfig(required, ["config"]);
    expect(config).toMatchObject({
      brokerUrl: "mqtt://127.0.0.1:1883",
      deviceId: "gw-0001",
      dataDir: "./data/agent",
      deviceClass: "gateway",
      logLevel: "info",
    });
  });

  it("flags override the environment, which overrides the config file", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "agent-config-"));
    const file = path.join(dir, "agent.json");
    await writeFile(file, JSON.stringify({ deviceClass: "wearable", dataDir: "/var/lib/fleet", logLevel: "warn" }));
    const { config } = loadAgentConfig({ ...required, FLEET_AGENT_LOG_LEVEL: "error" }, [
      "run",
      "--config",
      file,
      "--data-dir",
      "/srv/agent",
    ]);
    expect(config).toMatchObject({ deviceClass: "wearable", dataDir: "/srv/agent", logLevel: "error" });
  });

  it.each([
    [{ ...required, FLEET_AGENT_BROKER_URL: "http://x" }, /--broker \(FLEET_AGENT_BROKER_URL\)/],
    [{ ...required, FLEET_AGENT_DEVICE_ID: "Gateway/1" }, /--device-id \(FLEET_AGENT_DEVICE_ID\)/],
    [{ ...required, FLEET_AGENT_DEVICE_ID: "gw+1" }, /--device-id/],
    [{ ...required, FLEET_AGENT_SECRET: "short" }, /--secret \(FLEET_AGENT_SECRET\) must be at least 16/],
    [{ FLEET_AGENT_BROKER_URL: "mqtt://x" }, /--device-id \(FLEET_AGENT_DEVICE_ID\) is required/],
    [{ ...required, FLEET_AGENT_CLASS: "phone" }, /--class \(FLEET_AGENT_CLASS\)/],
  ])("refuses bad settings with one line naming the setting (%#)", (env, message) => {
    expect(() => loadAgentConfig(env, ["run"])).toThrow(ConfigError);
    expect(() => loadAgentConfig(env, ["run"])).toThrow(message);
  });

  it("reads the engines and ONNX Runtime threads, defaulting to every engine and one thread", async () => {
    expect(loadAgentConfig(required, ["run"]).config).toMatchObject({ engines: ["tfjs", "onnx"], onnxThreads: 1 });
    expect(loadAgentConfig({ ...required, FLEET_AGENT_ENGINES: "onnx, tfjs,onnx" }, ["run"]).config.engines).toEqual([
      "onnx",
      "tfjs",
    ]);
    expect(loadAgentConfig(required, ["run", "--engines", "tfjs", "--onnx-threads", "0"]).config).toMatchObject({
      engines: ["tfjs"],
      onnxThreads: 0,
    });
    const dir = await mkdtemp(path.join(os.tmpdir(), "agent-config-"));
    const file = path.join(dir, "agent.json");
    await writeFile(file, JSON.stringify({ engines: ["onnx"], onnxThreads: 4 }));
    expect(loadAgentConfig(required, ["run", "--config", file]).config).toMatchObject({
      engines: ["onnx"],
      onnxThreads: 4,
    });
  });

  it.each([
    [["--engines", "cuda"], /--engines \(FLEET_AGENT_ENGINES\) must list engines among tfjs, onnx/],
    [["--engines", ","], /--engines \(FLEET_AGENT_ENGINES\) must name at least one engine/],
    [["--onnx-threads", "1.5"], /--onnx-threads \(FLEET_AGENT_ONNX_THREADS\) must be a whole number/],
    [["--onnx-threads=-1"], /--onnx-threads \(FLEET_AGENT_ONNX_THREADS\)/],
  ])("refuses bad engine settings (%#)", (flags, message) => {
    expect(() => loadAgentConfig(required, ["run", ...flags])).toThrow(message);
  });

  it("refuses an unreadable or non-JSON config file", async () => {
    expect(() => loadAgentConfig(required, ["run", "--config", "/nonexistent/agent.json"])).toThrow(
      /cannot be read \(ENOENT\)/,
    );
    const dir = await mkdtemp(path.join(os.tmpdir(), "agent-config-"));
    const file = path.join(dir, "agent.json");
    await writeFile(file, "[1,2]");
    expect(() => loadAgentConfig(required, ["run", "--config", file])).toThrow(/is not a JSON object/);
  });

  it("refuses unknown flags", () => {
    expect(() => loadAgentConfig(required, ["run", "--brokr", "x"])).toThrow(ConfigError);
  });
});

describe("settings", () => {
  const base = {
    FLEET_AGENT_BROKER_URL: "mqtts://broker:8883",
    FLEET_AGENT_DEVICE_ID: "gw-1",
    FLEET_AGENT_SECRET: "0123456789abcdef0123",
  };
  it("has documented defaults for the runtime settings", () => {
    expect(loadAgentConfig(base, ["run"]).config).toMatchObject({
      telemetryInterval: 10,
      inputs: ["sensor", "http"],
      inferRate: 1,
      httpPort: 8470,
      queueMax: 8640,
      maxModelMb: 256,
    });
  });
  it("reads numbers and lists from flags and the environment", () => {
    const { config } = loadAgentConfig({ ...base, FLEET_AGENT_TELEMETRY_INTERVAL: "0.5" }, [
      "run",
      "--inputs",
      "http",
      "--http-port",
      "0",
    ]);
    expect(config).toMatchObject({ telemetryInterval: 0.5, inputs: ["http"], httpPort: 0 });
    expect(() => loadAgentConfig(base, ["run", "--inputs", "camera"])).toThrow(/--inputs \(FLEET_AGENT_INPUTS\)/);
    expect(() => loadAgentConfig(base, ["run", "--telemetry-interval", "0"])).toThrow(
      /--telemetry-interval .* greater than 0/,
    );
  });
  it("asks simulate for a count but not for a device id", () => {
    expect(() => loadAgentConfig({ FLEET_AGENT_BROKER_URL: "ws://b:8083" }, ["simulate"])).toThrow(
      /--count \(FLEET_AGENT_SIMULATE_COUNT\) is required/,
    );
    expect(loadAgentConfig({ FLEET_AGENT_BROKER_URL: "ws://b:8083" }, ["simulate", "--count", "5"]).config.count).toBe(
      5,
    );
  });
});

describe("device secret", () => {
  const base = { FLEET_AGENT_BROKER_URL: "mqtts://broker:8883", FLEET_AGENT_DEVICE_ID: "gw-1" };
  const secret = "0123456789abcdef0123";
  const identityOf = (env: Record<string, string>, argv: string[] = ["run"]) =>
    deviceIdentity(loadAgentConfig(env, argv).config, { argv });

  it("reads it from --secret-file or FLEET_AGENT_SECRET_FILE", async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), "agent-secret-")), "secret");
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    expect(identityOf(base, ["run", "--secret-file", file])).toEqual({
      identity: { brokerUrl: "mqtts://broker:8883", deviceId: "gw-1", secret },
      warnings: [],
    });
    expect(identityOf({ ...base, FLEET_AGENT_SECRET_FILE: file }).identity.secret).toBe(secret);
    await writeFile(file, "short\n");
    expect(() => identityOf(base, ["run", "--secret-file", file])).toThrow(
      /--secret-file \(FLEET_AGENT_SECRET_FILE\) .*secret: the secret must be at least 16 characters/,
    );
  });

  it("reads it from FLEET_AGENT_SECRET quietly, from --secret with a warning that every user sees it", () => {
    expect(identityOf({ ...base, FLEET_AGENT_SECRET: secret })).toMatchObject({ identity: { secret }, warnings: [] });
    const flagged = identityOf(base, ["run", "--secret", secret]);
    expect(flagged.identity.secret).toBe(secret);
    expect(flagged.warnings).toEqual([expect.stringMatching(/visible to every user of this device \(ps/)]);
    expect(identityOf(base, ["run", `--secret=${secret}`]).warnings).toHaveLength(1);
  });

  it("refuses no secret, and two of them, naming the settings", () => {
    expect(() => identityOf(base)).toThrow(
      /device secret is required: --secret-file FILE \(FLEET_AGENT_SECRET_FILE\) or FLEET_AGENT_SECRET/,
    );
    const both = () => identityOf({ ...base, FLEET_AGENT_SECRET: secret, FLEET_AGENT_SECRET_FILE: "/etc/x" });
    expect(both).toThrow(ConfigError);
    expect(both).toThrow(/--secret-file .* and --secret .* are both set/);
  });
});
