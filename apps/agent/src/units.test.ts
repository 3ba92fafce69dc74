// Unit tests of the agent's building blocks (the end-to-end behaviour is in agent.*.test.ts).
import { generateKeyPairSync, sign } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadAgentConfig } from "./config.ts";
import { LatencyWindow } from "./inference/latency-window.ts";
import { SimulatedSensor } from "./inputs/simulated-sensor.ts";
import { silentLogger } from "@fleet/log";
import { backoffDelay } from "./mqtt/backoff.ts";
import { generateCredentials, parseCredentials } from "./simulate/credentials.ts";
import { DiskTelemetryQueue } from "./telemetry/telemetry-queue.ts";
import { tempDir } from "./testing/agent-harness.ts";
import { startArtifactServer } from "./testing/artifact-server.ts";
import { downloadFile } from "./update/download.ts";
import { parsePublicKey, verifyManifestSignature } from "./update/signature.ts";
import { fileUrl } from "./update/variant-cache.ts";

const sample = (ts: number) => ({
  ts,
  inferences: 1,
  latencyMs: { p50: 1, p95: 2, p99: 3 },
  cpuPct: 1,
  rssMb: 50,
  errors: 0,
  variantId: null,
});

describe("reconnect backoff", () => {
  it("grows exponentially up to the cap, with jitter inside the bounds", () => {
    const options = { initialMs: 100, maxMs: 1_000, jitter: 0.5 };
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, options, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, options, () => 0))).toEqual([50, 100, 200, 400, 500]);
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

describe("resumable download", () => {
  it("resumes from a partial file left by an earlier run and refuses more bytes than announced", async () => {
    const root = await tempDir();
    const content = Buffer.from("0123456789".repeat(100));
    await writeFile(path.join(root, "blob.bin"), content);
    const server = await startArtifactServer(root);
    try {
      const dest = path.join(await tempDir(), "blob.bin");
      await writeFile(`${dest}.part`, content.subarray(0, 321));
      await downloadFile(`${server.url}/blob.bin`, dest, { bytes: content.length, attempts: 1 });
      expect(await readFile(dest)).toEqual(content);
      expect(server.requests.at(-1)?.range).toBe("bytes=321-");
      await expect(
        downloadFile(`${server.url}/blob.bin`, `${dest}2`, { bytes: 10, attempts: 3 }),
      ).rejects.toMatchObject({ code: "too_large" });
      await expect(
        downloadFile(`${server.url}/nope.bin`, `${dest}3`, { bytes: 10, attempts: 3 }),
      ).rejects.toMatchObject({ code: "download_failed", message: expect.stringMatching(/404/) });
      expect(server.requests.filter((r) => r.path === "/nope.bin")).toHaveLength(1); // a 404 is not retried
    } finally {
      await server.close();
    }
  });

  it("keeps a signed URL's query for the files beside the manifest", () => {
    expect(fileUrl("https://c.example/a/v1/manifest.json?exp=1&sig=x", "group1-shard1of1.bin")).toBe(
      "https://c.example/a/v1/group1-shard1of1.bin?exp=1&sig=x",
    );
  });
});

describe("telemetry queue on disk", () => {
  it("keeps order across a reopen and drops the oldest beyond its bound, counting them", async () => {
    const dir = await tempDir();
    let queue = await DiskTelemetryQueue.open(dir, 3, silentLogger);
    for (const ts of [1, 2]) await queue.push(sample(1_700_000_000_000 + ts));
    queue = await DiskTelemetryQueue.open(dir, 3, silentLogger);
    for (const ts of [3, 4, 5]) await queue.push(sample(1_700_000_000_000 + ts));
    expect((await queue.peek(10)).map((s) => s.ts - 1_700_000_000_000)).toEqual([3, 4, 5]);
    queue = await DiskTelemetryQueue.open(dir, 3, silentLogger);
    expect(queue.dropped).toBe(2);
    await queue.remove(2);
    await queue.acknowledgeDropped(2);
    expect((await queue.peek(10)).map((s) => s.ts - 1_700_000_000_000)).toEqual([5]);
    expect((await DiskTelemetryQueue.open(dir, 3, silentLogger)).dropped).toBe(0);
  });

  it("skips a damaged batch instead of blocking the ones behind it", async () => {
    const dir = await tempDir();
    const queue = await DiskTelemetryQueue.open(dir, 10, silentLogger);
    for (const ts of [1, 2, 3]) await queue.push(sample(1_700_000_000_000 + ts));
    const [first] = (await readdir(dir)).filter((f) => /^\d+\.json$/.test(f)).sort();
    await writeFile(path.join(dir, first!), "{torn");
    expect((await queue.peek(10)).map((s) => s.ts - 1_700_000_000_000)).toEqual([2, 3]);
  });
});

describe("manifest signature", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const manifest = Buffer.from('{"formatVersion":1}');
  const signature = sign(null, manifest, privateKey).toString("base64");
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const der = publicKey.export({ type: "spki", format: "der" });

  it("accepts the key as PEM, base64 SPKI or base64 raw, and verifies", () => {
    for (const form of [pem, der.toString("base64"), der.subarray(-32).toString("base64")]) {
      expect(() => verifyManifestSignature(manifest, signature, parsePublicKey(form))).not.toThrow();
    }
  });
  it("refuses changed bytes, a wrong key and a non-ed25519 key", () => {
    expect(() => verifyManifestSignature(Buffer.from('{"formatVersion":2}'), signature, parsePublicKey(pem))).toThrow(
      /does not verify/,
    );
    const other = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(() => verifyManifestSignature(manifest, signature, parsePublicKey(other))).toThrow(
      expect.objectContaining({ code: "bad_signature" }),
    );
    const rsa = generateKeyPairSync("ec", { namedCurve: "P-256" })
      .publicKey.export({ type: "spki", format: "pem" })
      .toString();
    expect(() => parsePublicKey(rsa)).toThrow(/not ed25519/);
  });
});

describe("simulated inputs and measurements", () => {
  it("gives the same readings for the same seed, and different ones per class", () => {
    expect(new SimulatedSensor("wearable", 7).next(16)).toEqual(new SimulatedSensor("wearable", 7).next(16));
    expect(new SimulatedSensor("wearable", 7).next(16)).not.toEqual(new SimulatedSensor("gateway", 7).next(16));
  });
  it("reports nearest-rank percentiles and resets per interval", () => {
    const window = new LatencyWindow();
    for (let i = 1; i <= 100; i++) window.record(i);
    window.error();
    expect(window.take()).toEqual({ inferences: 100, errors: 1, latencyMs: { p50: 50, p95: 95, p99: 99 } });
    expect(window.take()).toEqual({ inferences: 0, errors: 0, latencyMs: { p50: 0, p95: 0, p99: 0 } });
  });
});

describe("simulator credentials", () => {
  it("round-trips generated credentials through CSV and JSON and names a bad entry", () => {
    const creds = generateCredentials(3, "sim");
    const csv = `deviceId,secret\n${creds.map((c) => `${c.deviceId},${c.secret}`).join("\n")}`;
    expect(parseCredentials(csv, "x.csv")).toEqual(creds);
    expect(parseCredentials(JSON.stringify(creds), "x.json")).toEqual(creds);
    expect(() =>
      parseCredentials(JSON.stringify([{ deviceId: "Bad/Id", secret: "0123456789abcdef" }]), "x.json"),
    ).toThrow(/entry 0: deviceId/);
    expect(() => parseCredentials("id,secret\n", "x.csv")).toThrow(/header/);
  });
});
