// The `fleet-broker` bin as a user runs it: a real process, its stdout/stderr and exit code.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { findReadyLine, parseReadyLine } from "@fleet/log";
import { BROKER_SETTINGS } from "./settings.ts";
import { connackCode } from "./testing/broker-harness.ts";

const BIN = fileURLToPath(new URL("../bin/fleet-broker.mjs", import.meta.url));
// Its own data dir: the bin opens (and migrates) an embedded database there.
const DATA_DIR = mkdtempSync(join(tmpdir(), "fleet-broker-main-"));
const EPHEMERAL = [
  "--host",
  "127.0.0.1",
  "--mqtt-port",
  "0",
  "--ws-port",
  "0",
  "--metrics-port",
  "0",
  "--data-dir",
  DATA_DIR,
];

/** The test runner's own environment, minus any broker setting that would leak into the child. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const spec of BROKER_SETTINGS) delete env[spec.env];
  return env;
}

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

function runBin(args: string[], onStdout?: (text: string, stop: () => void) => void): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    onStdout?.(stdout, () => child.kill("SIGTERM"));
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ stdout, stderr, code })));
}

function occupyPort(): Promise<Server> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

afterAll(() => rmSync(DATA_DIR, { recursive: true, force: true }));

describe("fleet-broker (bin)", () => {
  it("exits 1 with one stderr line naming MQTT_PORT when the port is in use", async () => {
    const squatter = await occupyPort();
    try {
      const address = squatter.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      const run = await runBin([...EPHEMERAL, "--mqtt-port", String(port)]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `fleet-broker: MQTT_PORT ${port} is already in use; set MQTT_PORT (or --mqtt-port) to a free port\n`,
      );
      expect(run.stdout).toBe("");
    } finally {
      squatter.close();
    }
  });

  it("exits 2 with one stderr line for an invalid setting", async () => {
    const run = await runBin(["--mqtt-port", "eighty"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'fleet-broker: --mqtt-port (MQTT_PORT) must be a port number 0-65535 (0 = any free port) (got "eighty")\n',
    );
  });

  it("documents every setting in --help and exits 0", async () => {
    const run = await runBin(["--help"]);
    expect(run.code).toBe(0);
    for (const spec of BROKER_SETTINGS) expect(run.stdout).toContain(spec.env);
  });

  it("prints its readiness (a human line and one JSON ready line), warns loudly in anonymous mode, and stops cleanly on SIGTERM", async () => {
    let refusedCode: number | undefined;
    let stopping = false;
    const run = await runBin([...EPHEMERAL, "--allow-anonymous"], (stdout, stop) => {
      const mqtt = findReadyLine(stdout, "fleet-broker")?.urls.mqtt;
      if (mqtt === undefined || stopping) return;
      stopping = true;
      // Prove it serves before stopping it: a client id with "/" is refused [MQTT-3.1.3-9].
      void connackCode(mqtt, { clientId: "a/b" }).then((code) => {
        refusedCode = code;
        stop();
      });
    });
    expect(run.code).toBe(0);
    expect(refusedCode).toBe(2);
    const [human, json, ...rest] = run.stdout.split("\n");
    expect(human).toMatch(
      /^fleet-broker: mqtt:\/\/127\.0\.0\.1:\d+ {2}ws:\/\/127\.0\.0\.1:\d+\/mqtt {2}metrics http:\/\/127\.0\.0\.1:\d+\/metrics$/,
    );
    expect(parseReadyLine(json ?? "")).toEqual({
      ready: "fleet-broker",
      pid: expect.any(Number),
      urls: {
        mqtt: expect.stringMatching(/^mqtt:\/\/127\.0\.0\.1:\d+$/),
        ws: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/),
        metrics: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/),
      },
    });
    expect(rest).toEqual([""]); // exactly those two lines
    expect(run.stderr).toContain("WARNING: MQTT_ALLOW_ANONYMOUS=true");
    expect(run.stderr).toContain('"msg":"stopped"');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    // Not a TTY: every log entry is one JSON line.
    for (const line of run.stderr.trim().split("\n")) expect(JSON.parse(line)).toHaveProperty("level");
  });
});
