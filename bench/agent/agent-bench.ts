// Benchmark of the device agent, measured in this one run and printed as ratios:
//  1. one agent running the MNIST reference CNN at 10 inferences/s: RSS and CPU vs the same agent idle.
//     The agent is the real `fleet-agent run` process, as installed: started from the precompiled
//     bundle (apps/agent/dist, `node apps/agent/scripts/build.mjs`) and, for comparison, from the
//     TypeScript sources through tsx. RSS and CPU are read from /proc (Linux), without forcing a GC;
//     rssMb is the last sample of the window, peakRssMb the largest.
//  2. the simulator: RSS per virtual device (1 telemetry batch/s each) and whether every device
//     of the largest fleet tried stays connected and keeps its telemetry rate.
// Each measurement runs in a fresh child process.
//  The agent is launched as (--launch, default all three):
//     unit:   as shipped: bin/fleet-agent.mjs with the Environment= lines of deploy/fleet-agent.service
//     bin:    bin/fleet-agent.mjs without that environment (its own defaults: V8 flags, see bin/v8-flags.mjs)
//     dist:   node apps/agent/dist/main.js, no flags, no unit environment
//     source: node --import tsx apps/agent/src/main.ts
//  RSS/CPU are summed over the launched process and its descendants (a launcher that re-executes node
//  counts with its child). Latency p50/p95/p99 is the agent's own, from its telemetry batches in the window.
//  The printed `config` says what was measured: node version, command lines, environments, bundle.
//  The agent runs (--variant, default tfjs-fp32) the MNIST CNN as a TF.js fp32 variant (tfjs-fp32), the
//  committed onnx-int8 variant of the runtime's fixtures (onnx-int8), or its fp32 graph (onnx-fp32).
//   node --import tsx bench/agent/agent-bench.ts [--seconds 10] [--fleet 100,1000 | --fleet none]
//       [--launch unit,bin,dist,source] [--variant tfjs-fp32|onnx-int8|onnx-fp32] [--no-idle] [--telemetry-interval 5]
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { desiredTopic, SCHEMA_VERSION } from "../../packages/protocol/src/index.ts";
import { encodeInlineTensor, loadVariant, sha256Hex } from "../../packages/runtime/src/index.ts";
import { loadAgentConfig } from "../../apps/agent/src/config.ts";
import { silentLogger } from "../../packages/log/src/index.ts";
import { generateCredentials } from "../../apps/agent/src/simulate/credentials.ts";
import { Simulator } from "../../apps/agent/src/simulate/simulator.ts";
import { startArtifactServer } from "../../apps/agent/src/testing/artifact-server.ts";
import { recorder, startTestBroker, type TRecorder } from "../../apps/agent/src/testing/test-broker.ts";
import { onnxDesiredVariant, writeOnnxTestVariant } from "../../apps/agent/src/testing/onnx-variant.ts";
import { desiredVariant, signingKeys } from "../../apps/agent/src/testing/tiny-variant.ts";
import { parsePublicKey } from "../../apps/agent/src/update/signature.ts";
// @ts-expect-error plain .mjs next to the bin, no declarations
import { agentV8Flags } from "../../apps/agent/bin/v8-flags.mjs";

const LAUNCHES_DEFAULT = "unit,bin,dist,source";
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    fleet: { type: "string", default: "100,1000" },
    launch: { type: "string", default: LAUNCHES_DEFAULT },
    idle: { type: "boolean", default: true },
    "no-idle": { type: "boolean", default: false },
    "telemetry-interval": { type: "string", default: "5" },
    /** the variant the agent runs: its engine decides which runtime the agent loads */
    variant: { type: "string", default: "tfjs-fp32" },
    /** extra node command-line flags for the agent (experiments: --node-flags="--liftoff-only"); printed in config */
    "node-flags": { type: "string", default: "" },
    child: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const telemetryInterval = Number(values["telemetry-interval"]);
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
    formatVersion: 1,
    engine: "tfjs",
    modelFormat: model.format,
    variant: "fp32",
    createdBy: "agent bench",
    entry: "model.json",
    files,
    bytes: files.reduce((s, f) => s + f.bytes, 0),
    input: { name: "input", shape: model.inputShape },
    output: { name: "output", shape: [null, output.length] },
    layers: [],
    selfTest: {
      input: encodeInlineTensor(input, [1, 28, 28, 1]),
      output: encodeInlineTensor(output, [1, output.length]),
      tolerance: { absolute: 1e-4, relative: 1e-3 },
    },
  };
  model.dispose();
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}

const VARIANTS = ["tfjs-fp32", "onnx-int8", "onnx-fp32"] as const;
type TBenchVariant = (typeof VARIANTS)[number];

/** The variant every agent of the bench is told to run, served from `root`. */
async function benchVariant(
  kind: TBenchVariant,
  root: string,
  serverUrl: string,
  keys: ReturnType<typeof signingKeys>,
) {
  if (kind === "tfjs-fp32") {
    const dir = await mnistVariant(root);
    return desiredVariant(
      "mnist-fp32",
      readFileSync(path.join(dir, "manifest.json")),
      `${serverUrl}/mnist/manifest.json`,
      keys,
    );
  }
  const onnx = await writeOnnxTestVariant(path.join(root, kind), {}, kind);
  return onnxDesiredVariant(`mnist-${kind}`, onnx, `${serverUrl}/${kind}/manifest.json`, keys);
}

interface TChildResult {
  rssMb: number;
  cpuPct: number;
  connected: number;
  devices: number;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measureWindow(): Promise<{ rssMb: number; cpuPct: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await wait(seconds * 1000);
  const used = process.cpuUsage(cpu);
  global.gc?.();
  return {
    rssMb: process.memoryUsage.rss() / MB,
    cpuPct: ((used.user + used.system) / 1000 / (performance.now() - started)) * 100,
  };
}

/** Child: a simulated fleet of N devices (mode "fleet:N"), given the broker and desired JSON. */
async function child(mode: string): Promise<void> {
  const n = Number(mode.split(":")[1]);
  const { broker, publicKey, dataDir } = JSON.parse(process.env["BENCH_INPUT"] ?? "{}") as {
    broker: string;
    publicKey: string;
    dataDir: string;
  };
  const key = parsePublicKey(publicKey);
  const { config } = loadAgentConfig({}, [
    "simulate",
    "--broker",
    broker,
    "--count",
    "1",
    "--data-dir",
    dataDir,
    "--telemetry-interval",
    "1",
    "--infer-rate",
    "0",
    "--inputs",
    "sensor",
  ]);
  const simulator = new Simulator({
    config: { ...config, brokerUrl: broker },
    credentials: generateCredentials(n, `bench${process.pid}`),
    publicKey: key,
    logger: silentLogger,
  });
  await simulator.start();
  const devices = simulator.agents;
  // the parent publishes desired to every device once they are connected; wait for the load to settle
  while (devices.some((d) => !d.connected)) await wait(100);
  process.stdout.write(`ids:${JSON.stringify(devices.map((d) => d.deviceId))}\n`);
  await wait(3000);
  const measured = await measureWindow();
  const result: TChildResult = {
    ...measured,
    connected: devices.filter((d) => d.connected).length,
    devices: devices.length,
  };
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
const clockTicks = existsSync("/proc/self/stat")
  ? Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100
  : 100;

/** The process `pid` and all its descendants (a launcher that re-executes node is measured with its child). */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${out[i]}/task`)) {
        const children = readFileSync(`/proc/${out[i]}/task/${task}/children`, "utf8").trim();
        if (children) out.push(...children.split(" ").map(Number));
      }
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** RSS and CPU time of a process tree (summed), from /proc. */
function treeSample(pid: number): { rssMb: number; cpuSec: number } {
  let rssMb = 0;
  let cpuSec = 0;
  for (const p of processTree(pid)) {
    try {
      const s = procSample(p);
      if (Number.isFinite(s.rssMb)) rssMb += s.rssMb;
      cpuSec += s.cpuSec;
    } catch {
      // exited meanwhile
    }
  }
  return { rssMb, cpuSec };
}

/** RSS of a process by mapping kind (/proc/pid/smaps): the node binary, other files, the malloc heap, anonymous. */
function rssByMapping(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let name = "";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const file = head[1]!;
      name =
        file === ""
          ? "anonymous"
          : file.startsWith("[")
            ? file
            : file === process.execPath || file.endsWith("/node")
              ? "node binary"
              : "other files";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[name] = (out[name] ?? 0) + Number(rss[1]) / 1024;
  }
  return Object.fromEntries(
    Object.entries(out)
      .filter(([, mb]) => mb >= 0.5)
      .sort((a, b) => b[1] - a[1])
      .map(([k, mb]) => [k, Math.round(mb * 10) / 10]),
  );
}

/** What actually ran: every process of the tree with its command line and memory-relevant environment. */
function describeTree(pid: number): { pid: number; command: string; env: Record<string, string> }[] {
  return processTree(pid).flatMap((p) => {
    try {
      // node, its flags and the script; the agent's own arguments are the bench's (above)
      const argv = readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0").filter(Boolean);
      const script = argv.findIndex((a, i) => i > 0 && !a.startsWith("-") && argv[i - 1] !== "--import");
      const command = argv
        .slice(0, script + 1)
        .map((a) => a.replaceAll(agentApp, "apps/agent"))
        .join(" ");
      const env = Object.fromEntries(
        readFileSync(`/proc/${p}/environ`, "utf8")
          .split("\0")
          .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)])
          .filter(([k]) => k === "NODE_OPTIONS" || k!.startsWith("MALLOC_")),
      );
      return [{ pid: p, command, env }];
    } catch {
      return [];
    }
  });
}

/** The Environment= settings of the systemd unit we ship (the process environment `unit` launches with). */
function unitEnvironment(): Record<string, string> {
  const unit = readFileSync(path.join(agentApp, "deploy/fleet-agent.service"), "utf8");
  const env: Record<string, string> = {};
  for (const line of unit.split("\n")) {
    const m = /^Environment=([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    // FLEET_AGENT_* settings (data dir) are replaced by the bench's flags
    if (m && !m[1]!.startsWith("FLEET_AGENT_")) env[m[1]!] = m[2]!.replace(/^"(.*)"$/, "$1");
  }
  return env;
}

/**
 * unit:   as shipped: bin/fleet-agent.mjs (which picks dist when fresh) with the systemd unit's environment
 * bin:    bin/fleet-agent.mjs without the unit's environment (the bin's own defaults, e.g. run by hand)
 * dist:   node apps/agent/dist/main.js, no flags, no unit environment
 * source: node --import tsx apps/agent/src/main.ts
 */
type TAgentLaunch = "unit" | "bin" | "dist" | "source";
const LAUNCHES: TAgentLaunch[] = ["unit", "bin", "dist", "source"];

interface TAgentMeasurement {
  rssMb: number;
  peakRssMb: number;
  /** RSS at the start of the window and every 5 s after */
  rssEvery5sMb: number[];
  rssByMappingMb: Record<string, number> | Record<string, number>[];
  cpuPct: number;
  /** from the agent's own telemetry batches sampled during the window (median p50, worst p95/p99) */
  latencyMs?: { p50: number; p95: number; p99: number; batches: number; inferences: number };
  processes: ReturnType<typeof describeTree>;
}

/**
 * The real `fleet-agent run` process at `rate` inferences/s, its variant already desired (retained).
 * Waits until it reports the variant active, lets it settle 3 s, then samples it for `seconds`.
 */
async function measureAgent(
  launch: TAgentLaunch,
  rate: number,
  setup: {
    broker: string;
    publicKeyPem: string;
    root: string;
    publish: (deviceId: string) => Promise<void>;
    reported: TRecorder;
    telemetry: TRecorder;
  },
): Promise<TAgentMeasurement> {
  const deviceId = `bench-agent-${launch}-${rate}`;
  await setup.publish(deviceId);
  const entry =
    launch === "unit" || launch === "bin"
      ? [path.join(agentApp, "bin/fleet-agent.mjs")]
      : launch === "dist"
        ? [path.join(agentApp, "dist/main.js")]
        : ["--import", "tsx", path.join(agentApp, "src/main.ts")];
  const args = [
    "run",
    "--broker",
    setup.broker,
    "--device-id",
    deviceId,
    "--secret",
    "bench-secret-0123456789",
    "--data-dir",
    mkdtempSync(path.join(setup.root, "data-")),
    `--public-key=${setup.publicKeyPem}`,
    "--inputs",
    "sensor",
    "--infer-rate",
    String(rate),
    "--http-port",
    "0",
    "--telemetry-interval",
    String(telemetryInterval),
    "--log-level",
    "warn",
  ];
  // the bench's own NODE_OPTIONS (tsx) and MALLOC_* must not leak into the agent
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => k !== "NODE_OPTIONS" && !k.startsWith("MALLOC_") && !k.startsWith("FLEET_AGENT_"),
    ),
  ) as NodeJS.ProcessEnv;
  const launchEnv: NodeJS.ProcessEnv = launch === "unit" ? { ...env, ...unitEnvironment() } : env;
  // on node's command line, not NODE_OPTIONS (which refuses most V8 flags)
  const nodeFlags = values["node-flags"].split(" ").filter(Boolean);
  const proc = spawn(process.execPath, [...nodeFlags, ...entry, ...args], {
    cwd: agentApp,
    stdio: ["ignore", "ignore", "inherit"],
    env: launchEnv,
  });
  const exited = new Promise<never>((_, reject) =>
    proc.on("exit", (code) => reject(new Error(`fleet-agent (${launch}) exited with ${code}`))),
  );
  const active = async () => {
    while (!setup.reported.on<{ state?: string }>(`fleet/v1/${deviceId}/reported`).some((r) => r.state === "active"))
      await wait(100);
  };
  try {
    await Promise.race([active(), exited]);
    await wait(3000);
    const first = treeSample(proc.pid!);
    const started = performance.now();
    const telemetryBefore = setup.telemetry.messages.length;
    let peak = first.rssMb;
    let last = first;
    const series = [Math.round(first.rssMb)];
    while (performance.now() - started < seconds * 1000) {
      await Promise.race([wait(250), exited]);
      last = treeSample(proc.pid!);
      peak = Math.max(peak, last.rssMb);
      if (performance.now() - started >= series.length * 5000) series.push(Math.round(last.rssMb));
    }
    const cpuPct = (((last.cpuSec - first.cpuSec) * 1000) / (performance.now() - started)) * 100;
    const batches = setup.telemetry.messages
      .slice(telemetryBefore)
      .filter((m) => m.topic === `fleet/v1/${deviceId}/telemetry`)
      .flatMap(
        (m) =>
          (
            JSON.parse(m.payload) as {
              samples: { inferences: number; latencyMs: { p50: number; p95: number; p99: number } }[];
            }
          ).samples,
      )
      .filter((s) => s.inferences > 0);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
    const latencyMs =
      batches.length === 0
        ? undefined
        : {
            p50: median(batches.map((b) => b.latencyMs.p50)),
            p95: Math.max(...batches.map((b) => b.latencyMs.p95)),
            p99: Math.max(...batches.map((b) => b.latencyMs.p99)),
            batches: batches.length,
            inferences: batches.reduce((sum, b) => sum + b.inferences, 0),
          };
    const byMapping = processTree(proc.pid!).map((p) => rssByMapping(p));
    return {
      rssMb: last.rssMb,
      peakRssMb: peak,
      rssEvery5sMb: series,
      rssByMappingMb: byMapping.length === 1 ? byMapping[0]! : byMapping,
      cpuPct,
      ...(latencyMs ? { latencyMs } : {}),
      processes: describeTree(proc.pid!),
    };
  } finally {
    exited.catch(() => {});
    proc.kill("SIGTERM");
    await new Promise((resolve) => (proc.exitCode === null ? proc.once("exit", resolve) : resolve(undefined)));
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), "fleet-agent-bench-"));
  const keys = signingKeys();
  if (!(VARIANTS as readonly string[]).includes(values.variant))
    throw new Error(`--variant: unknown ${values.variant} (one of ${VARIANTS.join(", ")})`);
  const server = await startArtifactServer(root);
  const variant = await benchVariant(values.variant as TBenchVariant, root, server.url, keys);
  const broker = await startTestBroker();
  const observer = await recorder(broker.url, "fleet/v1/+/telemetry");

  const reported = await recorder(broker.url, "fleet/v1/+/reported");
  const publish = async (deviceId: string) => {
    await observer.client.publishAsync(
      desiredTopic(deviceId as never),
      JSON.stringify({ v: SCHEMA_VERSION, ts: Date.now(), rev: 1, variant }),
      { qos: 1, retain: true },
    );
  };
  const status = await recorder(broker.url, "fleet/v1/+/status");
  const agentSetup = {
    broker: broker.url,
    publicKeyPem: keys.publicKeyPem,
    root,
    publish,
    reported,
    telemetry: observer,
  };

  const run = async (mode: string): Promise<TChildResult & { telemetryPerSec: number }> => {
    const dataDir = mkdtempSync(path.join(root, "data-"));
    const proc = spawn(
      process.execPath,
      ["--expose-gc", "--import", "tsx", import.meta.filename, "--child", mode, "--seconds", String(seconds)],
      {
        env: {
          ...process.env,
          BENCH_INPUT: JSON.stringify({ broker: broker.url, publicKey: keys.publicKeyPem, dataDir }),
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
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
            void observer.client.publishAsync(
              desiredTopic(id as never),
              JSON.stringify({ v: SCHEMA_VERSION, ts: Date.now(), rev: 1, variant }),
              { qos: 1, retain: true },
            );
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

  const requested = values.launch.split(",").filter(Boolean) as TAgentLaunch[];
  for (const l of requested)
    if (!LAUNCHES.includes(l)) throw new Error(`--launch: unknown ${l} (one of ${LAUNCHES.join(", ")})`);
  const haveDist = existsSync(path.join(agentApp, "dist/main.js"));
  const launches = haveDist ? requested : requested.filter((l) => l !== "dist");
  if (!haveDist)
    process.stderr.write(
      "agent-bench: no apps/agent/dist (node apps/agent/scripts/build.mjs); measuring the agent from source only\n",
    );
  const measureIdle = values.idle && !values["no-idle"];
  const agents: Record<string, { idle?: TAgentMeasurement; busy: TAgentMeasurement }> = {};
  for (const launch of launches) {
    const idle = measureIdle ? await measureAgent(launch, 0, agentSetup) : undefined;
    agents[launch] = { ...(idle ? { idle } : {}), busy: await measureAgent(launch, 10, agentSetup) };
  }
  const fleets = values.fleet === "none" || values.fleet === "" ? [] : values.fleet.split(",").map(Number);
  const empty = fleets.length > 0 ? await run("fleet:1") : undefined;
  const fleetResults = [];
  for (const n of fleets) fleetResults.push({ n, ...(await run(`fleet:${n}`)) });

  const fmt = (x: number) => Math.round(x * 100) / 100;
  const bundle = haveDist
    ? (() => {
        const info = JSON.parse(readFileSync(path.join(agentApp, "dist/build-info.json"), "utf8")) as {
          builtAt: number;
          options?: Record<string, unknown>;
        };
        return {
          mainJsKb: Math.round(statSync(path.join(agentApp, "dist/main.js")).size / 1024),
          builtAt: new Date(info.builtAt).toISOString(),
          ...(info.options ? { options: info.options } : {}),
        };
      })()
    : undefined;
  // what the agents' birth messages say about their backends and node
  const births = Object.fromEntries(
    status.messages
      .filter((m) => m.topic.includes("/bench-agent-") && m.payload.length > 0)
      .map((m) => {
        const birth = JSON.parse(m.payload) as {
          state: string;
          hardware?: { backends: string[]; nodeVersion: string; wasmSimd: boolean };
        };
        return [m.topic.split("/")[2]!, birth.hardware];
      })
      .filter(([, h]) => h),
  );
  const round = (m: TAgentMeasurement) => ({
    rssMb: fmt(m.rssMb),
    peakRssMb: fmt(m.peakRssMb),
    rssEvery5sMb: m.rssEvery5sMb.join(" "),
    rssByMappingMb: m.rssByMappingMb,
    cpuPct: fmt(m.cpuPct),
    ...(m.latencyMs ? { latencyMs: m.latencyMs } : {}),
  });
  console.log(
    JSON.stringify(
      {
        config: {
          node: process.version,
          cpus: availableParallelism(),
          seconds,
          variant: { id: variant.id, engine: variant.engine, precision: variant.precision },
          telemetryIntervalSec: telemetryInterval,
          unitEnvironment: unitEnvironment(),
          // what bin/fleet-agent.mjs applies with v8.setFlagsFromString (invisible in /proc) for `unit` and `bin`
          binV8Flags: (agentV8Flags(["run"], unitEnvironment()) as string[]).join(" "),
          ...(values["node-flags"] ? { extraNodeFlags: values["node-flags"] } : {}),
          bundle,
          agentHardware: births,
          processes: Object.fromEntries(Object.entries(agents).map(([launch, { busy }]) => [launch, busy.processes])),
        },
        agent: Object.fromEntries(
          Object.entries(agents).map(([launch, { idle, busy }]) => [
            launch,
            {
              ...(idle ? { idle: round(idle) } : {}),
              at10InfPerSec: round(busy),
              ...(idle
                ? { rssRatio: fmt(busy.rssMb / idle.rssMb), cpuRatio: fmt(busy.cpuPct / Math.max(0.01, idle.cpuPct)) }
                : {}),
              rssVsTarget100Mb: fmt(busy.peakRssMb / 100),
            },
          ]),
        ),
        ...(agents["dist"] && agents["source"]
          ? { agentDistVsSourceRss: fmt(agents["dist"].busy.rssMb / agents["source"].busy.rssMb) }
          : {}),
        ...(agents["unit"] && agents["dist"]
          ? { agentUnitVsDistRss: fmt(agents["unit"].busy.rssMb / agents["dist"].busy.rssMb) }
          : {}),
        ...(fleetResults.length > 0
          ? {
              simulator: fleetResults.map((f) => ({
                devices: f.n,
                rssMb: fmt(f.rssMb),
                rssPerDeviceMb: fmt((f.rssMb - empty!.rssMb) / f.n),
                cpuPct: fmt(f.cpuPct),
                connectedRatio: fmt(f.connected / f.n),
                telemetryRatio: fmt(f.telemetryPerSec / f.n), // batches received per device per second (target 1)
              })),
            }
          : {}),
      },
      null,
      2,
    ),
  );
  await observer.close();
  await reported.close();
  await status.close();
  await broker.stop();
  await server.close();
}

if (values.child) await child(values.child);
else await main();
