// Benchmark of the device agent, measured in this one run and printed as ratios:
//  1. one agent running the MNIST reference CNN at 10 inferences/s: RSS and CPU vs the same agent idle.
//     The agent is the real `fleet-agent run` process, as installed: started from the precompiled
//     bundle (apps/agent/dist, `node apps/agent/scripts/build.mjs`) and, for comparison, from the
//     TypeScript sources through tsx. RSS and CPU are read from /proc (Linux), without forcing a GC;
//     rssMb is the last sample of the window, peakRssMb the largest.
//  2. the simulator: RSS per virtual device (1 telemetry batch/s each) and whether every device
//     of the largest fleet tried stays connected and keeps its telemetry rate.
// Each measurement runs in a fresh child process.
//   node --import tsx bench/agent/agent-bench.ts [--seconds 10] [--fleet 100,1000]
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { desiredTopic, SCHEMA_VERSION } from "../../packages/protocol/src/index.ts";
import { encodeInlineTensor, loadVariant, sha256Hex } from "../../packages/runtime/src/index.ts";
import { loadAgentConfig } from "../../apps/agent/src/config.ts";
import { silentLogger } from "../../apps/agent/src/logger.ts";
import { generateCredentials } from "../../apps/agent/src/simulate/credentials.ts";
import { Simulator } from "../../apps/agent/src/simulate/simulator.ts";
import { startArtifactServer } from "../../apps/agent/src/testing/artifact-server.ts";
import { recorder, startTestBroker, type TRecorder } from "../../apps/agent/src/testing/test-broker.ts";
import { desiredVariant, signingKeys } from "../../apps/agent/src/testing/tiny-variant.ts";
import { parsePublicKey } from "../../apps/agent/src/update/signature.ts";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" }, fleet: { type: "string", default: "100,1000" }, child: { type: "string" } } });
const seconds = Number(values.seconds);
const here = import.meta.dirname;
const MB = 1024 * 1024;
const agentApp = path.join(here, "../../apps/agent");

/** The MNIST reference model as a signed variant (manifest with a golden self-test computed here). */
async function mnistVariant(root: string): Promise<string> {
  const dir = path.join(root, "mnist");
  cpSync(path.join(here, "../../packages/quantize/fixtures/mnist-cnn"), dir, { recursive: true });
  const model = await loadVariant(dir, { requireManifest: false, selfTest: false });
  const input = Float32Array.from({ length: 784 }, (_, i) => (i % 29) / 29);
  const output = model.predict(input, 1).data;
  const files = ["model.json", "group1-shard1of1.bin"].map((f) => {
    const bytes = execFileSync("cat", [path.join(dir, f)]);
    return { path: f, bytes: bytes.length, sha256: sha256Hex(bytes) };
  });
  const manifest = {
    formatVersion: 1, engine: "tfjs", modelFormat: model.format, variant: "fp32", createdBy: "agent bench", entry: "model.json", files,
    bytes: files.reduce((s, f) => s + f.bytes, 0), input: { name: "input", shape: model.inputShape }, output: { name: "output", shape: [null, output.length] }, layers: [],
    selfTest: { input: encodeInlineTensor(input, [1, 28, 28, 1]), output: encodeInlineTensor(output, [1, output.length]), tolerance: { absolute: 1e-4, relative: 1e-3 } },
  };
  model.dispose();
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}

interface TChildResult { rssMb: number; cpuPct: number; connected: number; devices: number }

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measureWindow(): Promise<{ rssMb: number; cpuPct: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await wait(seconds * 1000);
  const used = process.cpuUsage(cpu);
  global.gc?.();
  return { rssMb: process.memoryUsage.rss() / MB, cpuPct: ((used.user + used.system) / 1000 / (performance.now() - started)) * 100 };
}

/** Child: a simulated fleet of N devices (mode "fleet:N"), given the broker and desired JSON. */
async function child(mode: string): Promise<void> {
  const n = Number(mode.split(":")[1]);
  const { broker, publicKey, dataDir } = JSON.parse(process.env["BENCH_INPUT"] ?? "{}") as { broker: string; publicKey: string; dataDir: string };
  const key = parsePublicKey(publicKey);
  const { config } = loadAgentConfig({}, ["simulate", "--broker", broker, "--count", "1", "--data-dir", dataDir, "--telemetry-interval", "1", "--infer-rate", "0", "--inputs", "sensor"]);
  const simulator = new Simulator({ config: { ...config, brokerUrl: broker }, credentials: generateCredentials(n, `bench${process.pid}`), publicKey: key, logger: silentLogger });
  await simulator.start();
  const devices = simulator.agents;
  // the parent publishes desired to every device once they are connected; wait for the load to settle
  while (devices.some((d) => !d.connected)) await wait(100);
  process.stdout.write(`ids:${JSON.stringify(devices.map((d) => d.deviceId))}\n`);
  await wait(3000);
  const measured = await measureWindow();
  const result: TChildResult = { ...measured, connected: devices.filter((d) => d.connected).length, devices: devices.length };
  process.stdout.write(`result:${JSON.stringify(result)}\n`);
  await simulator.stop();
  process.exit(0);
}

/** RSS and CPU time of another process, from /proc (Linux). */
function procSample(pid: number): { rssMb: number; cpuSec: number } {
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN);
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { rssMb: rssKb / 1024, cpuSec: (Number(fields[11]) + Number(fields[12])) / clockTicks };
}
const clockTicks = existsSync("/proc/self/stat") ? Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100 : 100;

type TAgentLaunch = "dist" | "source";

/**
 * The real `fleet-agent run` process at `rate` inferences/s, its variant already desired (retained).
 * Waits until it reports the variant active, lets it settle 3 s, then samples it for `seconds`.
 */
async function measureAgent(launch: TAgentLaunch, rate: number, setup: { broker: string; publicKeyPem: string; root: string; publish: (deviceId: string) => Promise<void>; reported: TRecorder }): Promise<{ rssMb: number; peakRssMb: number; cpuPct: number }> {
  const deviceId = `bench-agent-${launch}-${rate}`;
  await setup.publish(deviceId);
  const entry = launch === "dist" ? [path.join(agentApp, "dist/main.js")] : ["--import", "tsx", path.join(agentApp, "src/main.ts")];
  const args = ["run", "--broker", setup.broker, "--device-id", deviceId, "--secret", "bench-secret-0123456789", "--data-dir", mkdtempSync(path.join(setup.root, "data-")),
    `--public-key=${setup.publicKeyPem}`, "--inputs", "sensor", "--infer-rate", String(rate), "--http-port", "0", "--telemetry-interval", "10", "--log-level", "warn"];
  const proc = spawn(process.execPath, [...entry, ...args], { cwd: agentApp, stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise<never>((_, reject) => proc.on("exit", (code) => reject(new Error(`fleet-agent (${launch}) exited with ${code}`))));
  const active = async () => {
    while (!setup.reported.on<{ state?: string }>(`fleet/v1/${deviceId}/reported`).some((r) => r.state === "active")) await wait(100);
  };
  try {
    await Promise.race([active(), exited]);
    await wait(3000);
    const first = procSample(proc.pid!);
    const started = performance.now();
    let peak = first.rssMb;
    let last = first;
    while (performance.now() - started < seconds * 1000) {
      await Promise.race([wait(250), exited]);
      last = procSample(proc.pid!);
      peak = Math.max(peak, last.rssMb);
    }
    return { rssMb: last.rssMb, peakRssMb: peak, cpuPct: ((last.cpuSec - first.cpuSec) * 1000 / (performance.now() - started)) * 100 };
  } finally {
    exited.catch(() => {});
    proc.kill("SIGTERM");
    await new Promise((resolve) => (proc.exitCode === null ? proc.once("exit", resolve) : resolve(undefined)));
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), "fleet-agent-bench-"));
  const keys = signingKeys();
  const variantDir = await mnistVariant(root);
  const server = await startArtifactServer(root);
  const broker = await startTestBroker();
  const observer = await recorder(broker.url, "fleet/v1/+/telemetry");
  const manifestBytes = execFileSync("cat", [path.join(variantDir, "manifest.json")]);
  const variant = desiredVariant("mnist-fp32", manifestBytes, `${server.url}/mnist/manifest.json`, keys);

  const reported = await recorder(broker.url, "fleet/v1/+/reported");
  const publish = async (deviceId: string) => {
    await observer.client.publishAsync(desiredTopic(deviceId as never), JSON.stringify({ v: SCHEMA_VERSION, ts: Date.now(), rev: 1, variant }), { qos: 1, retain: true });
  };
  const agentSetup = { broker: broker.url, publicKeyPem: keys.publicKeyPem, root, publish, reported };

  const run = async (mode: string): Promise<TChildResult & { telemetryPerSec: number }> => {
    const dataDir = mkdtempSync(path.join(root, "data-"));
    const proc = spawn(process.execPath, ["--expose-gc", "--import", "tsx", import.meta.filename, "--child", mode, "--seconds", String(seconds)], {
      env: { ...process.env, BENCH_INPUT: JSON.stringify({ broker: broker.url, publicKey: keys.publicKeyPem, dataDir }) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    let published = false;
    const before = observer.messages.length;
    let windowStart = 0;
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const ids = /ids:(.*)\n/.exec(out);
        if (ids && !published) {
          published = true;
          for (const id of JSON.parse(ids[1]!) as string[]) {
            void observer.client.publishAsync(desiredTopic(id as never), JSON.stringify({ v: SCHEMA_VERSION, ts: Date.now(), rev: 1, variant }), { qos: 1, retain: true });
          }
          setTimeout(() => (windowStart = observer.messages.length), 3000);
        }
      });
      proc.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`child ${mode} exited with ${code}`))));
    });
    const result = JSON.parse(/result:(.*)\n/.exec(out)![1]!) as TChildResult;
    const telemetry = observer.messages.slice(windowStart || before).length;
    return { ...result, telemetryPerSec: telemetry / seconds };
  };

  const launches: TAgentLaunch[] = existsSync(path.join(agentApp, "dist/main.js")) ? ["dist", "source"] : ["source"];
  if (launches.length === 1) process.stderr.write("agent-bench: no apps/agent/dist (node apps/agent/scripts/build.mjs); measuring the agent from source only\n");
  const agents: Record<string, { idle: Awaited<ReturnType<typeof measureAgent>>; busy: Awaited<ReturnType<typeof measureAgent>> }> = {};
  for (const launch of launches) agents[launch] = { idle: await measureAgent(launch, 0, agentSetup), busy: await measureAgent(launch, 10, agentSetup) };
  const fleets = values.fleet.split(",").map(Number);
  const empty = await run("fleet:1");
  const fleetResults = [];
  for (const n of fleets) fleetResults.push({ n, ...(await run(`fleet:${n}`)) });

  const fmt = (x: number) => Math.round(x * 100) / 100;
  console.log(JSON.stringify({
    seconds,
    agent: Object.fromEntries(Object.entries(agents).map(([launch, { idle, busy }]) => [launch, {
      idle: { rssMb: fmt(idle.rssMb), peakRssMb: fmt(idle.peakRssMb), cpuPct: fmt(idle.cpuPct) },
      at10InfPerSec: { rssMb: fmt(busy.rssMb), peakRssMb: fmt(busy.peakRssMb), cpuPct: fmt(busy.cpuPct) },
      rssRatio: fmt(busy.rssMb / idle.rssMb),
      cpuRatio: fmt(busy.cpuPct / Math.max(0.01, idle.cpuPct)),
      rssVsTarget100Mb: fmt(busy.peakRssMb / 100),
    }])),
    ...(agents["dist"] && agents["source"] ? { agentDistVsSourceRss: fmt(agents["dist"].busy.rssMb / agents["source"].busy.rssMb) } : {}),
    simulator: fleetResults.map((f) => ({
      devices: f.n,
      rssMb: fmt(f.rssMb),
      rssPerDeviceMb: fmt((f.rssMb - empty.rssMb) / f.n),
      cpuPct: fmt(f.cpuPct),
      connectedRatio: fmt(f.connected / f.n),
      telemetryRatio: fmt(f.telemetryPerSec / f.n), // batches received per device per second (target 1)
    })),
  }, null, 2));
  await observer.close();
  await reported.close();
  await broker.stop();
  await server.close();
}

if (values.child) await child(values.child);
else await main();
