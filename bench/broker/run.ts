// Benchmark: the Fleet broker (aedes) against Mosquitto, both started here on loopback ports and
// measured in this one run with the same load generator (wire.ts), printed side by side with the
// ratio ours/mosquitto. Then what only we do: a two-node Redis cluster, and telemetry ingest into
// Postgres with a count check. Bounded: every phase has a fixed duration or count, then everything stops.
//   pnpm exec tsx bench/broker/run.ts [--pairs 100] [--seconds 4] [--idle 1000] [--connects 1000]
//                                     [--ingest-messages 30000] [--no-cluster] [--no-ingest]
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { hashSecret } from "@fleet/db";
import { checkService, createTestDatabase } from "@fleet/db/testing";
import { PublishTemplate, WireClient } from "./wire.ts";
import { telemetry } from "../../apps/broker/src/fleet-fixtures.ts";

const { values: flags } = parseArgs({
  options: {
    pairs: { type: "string", default: "100" },
    seconds: { type: "string", default: "4" },
    idle: { type: "string", default: "1000" },
    connects: { type: "string", default: "1000" },
    "ingest-messages": { type: "string", default: "30000" },
    "ingest-devices": { type: "string", default: "100" },
    "no-cluster": { type: "boolean", default: false },
    "no-ingest": { type: "boolean", default: false },
    "only-ingest": { type: "boolean", default: false },
  },
});
const PAIRS = Number(flags.pairs);
const SECONDS = Number(flags.seconds);
const IDLE = Number(flags.idle);
const CONNECTS = Number(flags.connects);
const PAYLOAD_BYTES = 256;
/** Messages in flight per publisher→subscriber pair (closed loop: the subscriber's receipt frees a slot). */
const WINDOW = 32;
/** Aggregate rate of the latency phase: light enough that neither broker queues. */
const LATENCY_RATE = 1000;
const CONNECT_CONCURRENCY = 50;
const RUN = randomBytes(4).toString("hex");
const ROOT = join(import.meta.dirname, "..", "..");
// ioredis is the broker's dependency, not the root's: load it from there to delete the run's keys.
interface TRedis {
  keys(pattern: string): Promise<string[]>;
  del(...keys: string[]): Promise<number>;
  quit(): Promise<unknown>;
}
const { Redis: RedisClient } = createRequire(join(ROOT, "apps", "broker", "package.json"))("ioredis") as {
  Redis: new (url: string) => TRedis;
};
const tmp = mkdtempSync(join(tmpdir(), "fleet-broker-bench-"));

// ---------------------------------------------------------------------------------------- brokers

interface BrokerProcess {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    }),
  );
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
      child.once("exit", () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill("SIGTERM");
    });
}

async function untilConnectable(port: number, child: ChildProcess, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    try {
      const probe = await WireClient.connect(port, { clientId: `probe-${RUN}` });
      await probe.disconnect();
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${what} did not accept MQTT connections on port ${port}`);
}

async function startMosquitto(): Promise<BrokerProcess> {
  const port = await freePort();
  const conf = join(tmp, "mosquitto.conf");
  // Defaults otherwise (max_inflight_messages 20, max_queued_messages 1000); no persistence, no logging,
  // TCP_NODELAY like Node's sockets (aedes' writes are not held back by Nagle's algorithm either).
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous true",
      "persistence false",
      "log_dest none",
      "set_tcp_nodelay true",
      "",
    ].join("\n"),
  );
  const child = spawn("/usr/sbin/mosquitto", ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await untilConnectable(port, child, "mosquitto");
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}: ${stderr.trim()}`);
  }
  return { name: "mosquitto", port, pid: child.pid ?? 0, stop: stopper(child) };
}

/** Our broker as a child process (broker-child.ts): no /metrics, no WebSocket, anonymous dev mode unless env says otherwise. */
async function startOurs(name: string, env: Record<string, string>): Promise<BrokerProcess> {
  // BENCH_CPU_PROF=DIR: write a V8 CPU profile of each broker process there (for finding hot spots).
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", join(import.meta.dirname, "broker-child.ts")], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      MQTT_HOST: "127.0.0.1",
      MQTT_PORT: "0",
      MQTT_WS_PORT: "off",
      METRICS_PORT: "off",
      MQTT_ALLOW_ANONYMOUS: "true",
      MQTT_PUBLISH_RATE: "0", // the benchmark measures the broker, not its flood limit
      FLEET_DATA_DIR: tmp,
      LOG_LEVEL: "silent",
      NODE_ENV: "production",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /READY (\d+)/.exec(stdout);
      if (match !== null) resolve(Number(match[1]));
    });
    child.once("exit", (code) =>
      reject(new Error(`${name} exited with code ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`)),
    );
  });
  return { name, port, pid: child.pid ?? 0, stop: stopper(child) };
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}

// ---------------------------------------------------------------------------------------- helpers

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once. */
async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

// ---------------------------------------------------------------------------------------- pub/sub

interface Pairs {
  readonly publishers: WireClient[];
  readonly subscribers: WireClient[];
  readonly templates: PublishTemplate[];
  close(): Promise<void>;
}

/** `count` publishers on pubPort, one topic each, and one subscriber per topic on subPort. */
async function openPairs(pubPort: number, subPort: number, qos: 0 | 1, count: number, tag: string): Promise<Pairs> {
  const topic = (i: number) => `bench/${RUN}/${tag}/${i}`;
  const subscribers = await pool(count, CONNECT_CONCURRENCY, async (i) => {
    const client = await WireClient.connect(subPort, { clientId: `s-${RUN}-${tag}-${i}` });
    const granted = await client.subscribe(topic(i), qos);
    if (granted !== qos) throw new Error(`subscription to ${topic(i)} granted ${granted}, wanted ${qos}`);
    return client;
  });
  const publishers = await pool(count, CONNECT_CONCURRENCY, (i) =>
    WireClient.connect(pubPort, { clientId: `p-${RUN}-${tag}-${i}` }),
  );
  const templates = Array.from({ length: count }, (_, i) => new PublishTemplate(topic(i), PAYLOAD_BYTES, qos));
  return {
    publishers,
    subscribers,
    templates,
    close: async () => {
      await Promise.all([...publishers, ...subscribers].map((client) => client.disconnect()));
    },
  };
}

/** Payload: [0..8) send time (performance.now, ms), [8..12) pair index, rest zero. */
function stamp(pair: number): (payload: Buffer) => void {
  return (payload) => {
    payload.writeDoubleLE(performance.now(), 0);
    payload.writeUInt32LE(pair, 8);
  };
}

interface Throughput {
  readonly msgsPerS: number;
  readonly sent: number;
  readonly delivered: number;
}

/**
 * Closed loop: every pair keeps WINDOW messages between its publisher's write and its subscriber's
 * receipt. One second of warm-up, then deliveries are counted for SECONDS; then publishing stops and
 * what is still in flight is awaited (up to 5 s) so that `sent - delivered` is the loss.
 */
async function measureThroughput(pairs: Pairs): Promise<Throughput> {
  const count = pairs.publishers.length;
  const sent = new Array<number>(count).fill(0);
  const delivered = new Array<number>(count).fill(0);
  let packetId = 0;
  let running = true;
  let counting = false;
  let counted = 0;

  const pump = (i: number): void => {
    const publisher = pairs.publishers[i] as WireClient;
    const template = pairs.templates[i] as PublishTemplate;
    while (running && sent[i]! - delivered[i]! < WINDOW && !publisher.closed) {
      packetId = (packetId % 65535) + 1;
      sent[i]!++;
      if (publisher.write(template.build(packetId, stamp(i))) !== null) break; // resumes on the next receipt
    }
  };
  pairs.subscribers.forEach((subscriber) => {
    subscriber.onMessage = ({ payload }) => {
      const i = payload.readUInt32LE(8);
      delivered[i]!++;
      if (counting) counted++;
      pump(i);
    };
  });

  for (let i = 0; i < count; i++) pump(i);
  await sleep(1000);
  counting = true;
  const start = performance.now();
  await sleep(SECONDS * 1000);
  counting = false;
  const elapsedS = (performance.now() - start) / 1000;
  running = false;
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  for (let waited = 0; waited < 5000 && sum(delivered) < sum(sent); waited += 50) await sleep(50);
  return { msgsPerS: counted / elapsedS, sent: sum(sent), delivered: sum(delivered) };
}

interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
  readonly lost: number;
}

/** Paced: LATENCY_RATE messages/s spread over the pairs for 3 s; time from write to receipt. */
async function measureLatency(pairs: Pairs): Promise<Latency> {
  const count = pairs.publishers.length;
  const latencies: number[] = [];
  pairs.subscribers.forEach((subscriber) => {
    subscriber.onMessage = ({ payload }) => latencies.push(performance.now() - payload.readDoubleLE(0));
  });
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((LATENCY_RATE * tickMs) / 1000));
  const ticks = Math.round(3000 / tickMs);
  let next = 0;
  let packetId = 0;
  let sent = 0;
  for (let tick = 0; tick < ticks; tick++) {
    for (let k = 0; k < perTick; k++) {
      const i = next++ % count;
      packetId = (packetId % 65535) + 1;
      pairs.publishers[i]?.write((pairs.templates[i] as PublishTemplate).build(packetId, stamp(i)));
      sent++;
    }
    await sleep(tickMs);
  }
  for (let waited = 0; waited < 3000 && latencies.length < sent; waited += 50) await sleep(50);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    samples: latencies.length,
    lost: sent - latencies.length,
  };
}

/** Connections per second: CONNECT → CONNACK → DISCONNECT, CONNECT_CONCURRENCY at a time. */
async function measureConnectRate(port: number): Promise<number> {
  const start = performance.now();
  await pool(CONNECTS, CONNECT_CONCURRENCY, async (i) => {
    const client = await WireClient.connect(port, { clientId: `c-${RUN}-${i}` });
    await client.disconnect();
  });
  return CONNECTS / ((performance.now() - start) / 1000);
}

interface IdleRss {
  readonly beforeMiB: number;
  readonly afterMiB: number;
  readonly perConnKiB: number;
}

/** RSS of the broker process before and with IDLE connected, idle clients (keepalive 300 s). */
async function measureIdleRss(broker: BrokerProcess): Promise<IdleRss> {
  await sleep(500);
  const beforeMiB = rssMiB(broker.pid);
  const clients = await pool(IDLE, CONNECT_CONCURRENCY, (i) =>
    WireClient.connect(broker.port, { clientId: `i-${RUN}-${i}`, keepaliveS: 300 }),
  );
  await sleep(2000);
  const afterMiB = rssMiB(broker.pid);
  await Promise.all(clients.map((client) => client.disconnect()));
  return { beforeMiB, afterMiB, perConnKiB: ((afterMiB - beforeMiB) * 1024) / IDLE };
}

interface BrokerFigures {
  readonly qos0: Throughput;
  readonly qos1: Throughput;
  readonly lat0: Latency;
  readonly lat1: Latency;
  readonly connectRate: number;
  readonly rss: IdleRss;
}

/**
 * Every phase runs on Mosquitto and then at once on ours, so both see the same machine load
 * (the machine is shared; measuring one broker after the other would compare two moments).
 */
async function measureBoth(brokers: readonly [BrokerProcess, BrokerProcess]): Promise<[BrokerFigures, BrokerFigures]> {
  const each = async <T>(what: string, measure: (broker: BrokerProcess) => Promise<T>): Promise<[T, T]> => {
    const results: T[] = [];
    for (const broker of brokers) {
      log(`${broker.name}: ${what}`);
      results.push(await measure(broker));
    }
    return results as [T, T];
  };
  const rss = await each("idle connections", measureIdleRss); // first, on fresh processes
  const connectRate = await each("connect rate", (broker) => measureConnectRate(broker.port));
  const qos = async (level: 0 | 1) =>
    each(`QoS ${level} throughput and latency`, async (broker) => {
      const pairs = await openPairs(broker.port, broker.port, level, PAIRS, `${broker.name}-q${level}`);
      try {
        return { throughput: await measureThroughput(pairs), latency: await measureLatency(pairs) };
      } finally {
        await pairs.close();
      }
    });
  const q0 = await qos(0);
  const q1 = await qos(1);
  const figures = (k: 0 | 1): BrokerFigures => ({
    qos0: q0[k].throughput,
    qos1: q1[k].throughput,
    lat0: q0[k].latency,
    lat1: q1[k].latency,
    connectRate: connectRate[k],
    rss: rss[k],
  });
  return [figures(0), figures(1)];
}

// ---------------------------------------------------------------------------------------- ours only

async function measureCluster(): Promise<{ single: Throughput; cluster: Throughput } | string> {
  const redis = await checkService("redis");
  if (!redis.available) return redis.skipReason;
  const prefix = `fleet-bench:${RUN}:`;
  const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix };
  const a = await startOurs("ours-redis-a", env);
  const b = await startOurs("ours-redis-b", env);
  try {
    log("cluster: QoS 1 on one Redis-backed node");
    const local = await openPairs(a.port, a.port, 1, PAIRS, "cl-local");
    const single = await measureThroughput(local);
    await local.close();
    log("cluster: QoS 1 from node A to node B");
    const across = await openPairs(a.port, b.port, 1, PAIRS, "cl-across");
    const cluster = await measureThroughput(across);
    await across.close();
    return { single, cluster };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    const conn = new RedisClient(redis.url);
    const keys = await conn.keys(`${prefix}*`);
    if (keys.length > 0) await conn.del(...keys);
    await conn.quit();
  }
}

interface Ingest {
  readonly database: string;
  readonly messages: number;
  readonly ackedPerS: number;
  readonly storedPerS: number;
  readonly rows: number;
}

/**
 * Devices (real credentials, ACL, protocol validation) publish telemetry at QoS 1, WINDOW unacknowledged
 * each; the rate is messages over the time from the first PUBLISH until the last row is in the table.
 */
async function measureIngest(): Promise<Ingest> {
  const postgres = await checkService("postgres");
  const kind = postgres.available ? "postgres" : "pglite";
  const db = await createTestDatabase({ kind });
  const devices = Number(flags["ingest-devices"]);
  const perDevice = Math.ceil(Number(flags["ingest-messages"]) / devices);
  const total = devices * perDevice;
  const ids = Array.from({ length: devices }, (_, i) => `bench-${RUN}-${i}`);
  const credentialHash = await hashSecret("bench-secret", { N: 1024, r: 8, p: 1 });
  await db.prisma.device.createMany({ data: ids.map((id) => ({ id, name: id, credentialHash })) });
  const broker = await startOurs("ours-ingest", { DATABASE_URL: db.url, MQTT_ALLOW_ANONYMOUS: "false" });
  try {
    const clients = await pool(devices, CONNECT_CONCURRENCY, (i) =>
      WireClient.connect(broker.port, {
        clientId: ids[i] as string,
        username: ids[i] as string,
        password: "bench-secret",
      }),
    );
    // Every PUBLISH is encoded before the clock starts, so the load generator costs as little CPU as
    // in the throughput phases (each message is distinct: its own sample timestamp and packet id).
    const packets = ids.map((id) =>
      Array.from({ length: perDevice }, (_, k) => {
        const payload = Buffer.from(JSON.stringify(telemetry(1, 1_700_000_000_000 + k + 1)));
        return new PublishTemplate(`fleet/v1/${id}/telemetry`, payload.length, 1).build((k % 65535) + 1, (out) =>
          payload.copy(out),
        );
      }),
    );
    const start = performance.now();
    let acked = 0;
    let ackedAt = start;
    await Promise.all(
      clients.map(
        (client, i) =>
          new Promise<void>((resolve) => {
            const mine = packets[i] as Buffer[];
            let sent = 0;
            let done = 0;
            const send = () => {
              while (sent < perDevice && sent - done < WINDOW) client.write(mine[sent++] as Buffer);
            };
            client.onPuback = () => {
              done++;
              acked++;
              if (acked === total) ackedAt = performance.now();
              if (done === perDevice) resolve();
              else send();
            };
            send();
          }),
      ),
    );
    let rows = 0;
    // Polled every 20 ms (a count of the fresh table costs ~1 ms), so the figure is not rounded to the poll.
    for (const deadline = performance.now() + 60_000; performance.now() < deadline; ) {
      rows = await db.prisma.telemetrySample.count();
      if (rows >= total) break;
      await sleep(20);
    }
    const storedAt = performance.now();
    await Promise.all(clients.map((client) => client.disconnect()));
    return {
      database: kind === "postgres" ? "PostgreSQL" : "PGlite",
      messages: total,
      ackedPerS: total / ((ackedAt - start) / 1000),
      storedPerS: total / ((storedAt - start) / 1000),
      rows,
    };
  } finally {
    await broker.stop();
    await db.close();
  }
}

// ---------------------------------------------------------------------------------------- report

function log(line: string): void {
  process.stderr.write(`· ${line}\n`);
}

function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return "-";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function printComparison(mosq: BrokerFigures, ours: BrokerFigures): void {
  const rows: Array<[string, number, number, number, string]> = [
    [`QoS 0 throughput, msg/s (${PAIRS}→${PAIRS})`, mosq.qos0.msgsPerS, ours.qos0.msgsPerS, 0, "higher"],
    [`QoS 1 throughput, msg/s (${PAIRS}→${PAIRS})`, mosq.qos1.msgsPerS, ours.qos1.msgsPerS, 0, "higher"],
    [`QoS 0 latency p50, ms (${LATENCY_RATE} msg/s)`, mosq.lat0.p50, ours.lat0.p50, 3, "lower"],
    [`QoS 0 latency p99, ms`, mosq.lat0.p99, ours.lat0.p99, 3, "lower"],
    [`QoS 1 latency p50, ms (${LATENCY_RATE} msg/s)`, mosq.lat1.p50, ours.lat1.p50, 3, "lower"],
    [`QoS 1 latency p99, ms`, mosq.lat1.p99, ours.lat1.p99, 3, "lower"],
    ["connect rate, connections/s", mosq.connectRate, ours.connectRate, 0, "higher"],
    ["RSS at start, MiB", mosq.rss.beforeMiB, ours.rss.beforeMiB, 1, "lower"],
    [`RSS with ${IDLE} idle connections, MiB`, mosq.rss.afterMiB, ours.rss.afterMiB, 1, "lower"],
    ["RSS per idle connection, KiB", mosq.rss.perConnKiB, ours.rss.perConnKiB, 1, "lower"],
  ];
  console.log(
    `\nFleet broker (aedes) vs Mosquitto — loopback, ${PAYLOAD_BYTES} B payloads, same load generator, one run`,
  );
  console.log(
    `${"metric".padEnd(42)}${"mosquitto".padStart(12)}${"ours".padStart(12)}${"ours/mosq".padStart(11)}  better`,
  );
  for (const [name, m, o, digits, better] of rows) {
    console.log(
      `${name.padEnd(42)}${fmt(m, digits).padStart(12)}${fmt(o, digits).padStart(12)}${`${(o / m).toFixed(2)}×`.padStart(11)}  ${better}`,
    );
  }
  const losses = [
    ["mosquitto QoS 0", mosq.qos0],
    ["mosquitto QoS 1", mosq.qos1],
    ["ours QoS 0", ours.qos0],
    ["ours QoS 1", ours.qos1],
  ] as const;
  console.log(
    `delivered/sent: ${losses.map(([name, t]) => `${name} ${t.delivered}/${t.sent}`).join(", ")}; ` +
      `latency samples lost: mosquitto ${mosq.lat0.lost}+${mosq.lat1.lost}, ours ${ours.lat0.lost}+${ours.lat1.lost}`,
  );
}

async function reportIngest(): Promise<void> {
  log("ingest: devices publishing telemetry into the database");
  const ingest = await measureIngest();
  const lost = ingest.messages - ingest.rows;
  console.log(`\nTelemetry ingest (ours, authenticated devices, QoS 1, 1 sample per message) into ${ingest.database}`);
  console.log(`  ${fmt(ingest.messages)} messages from ${flags["ingest-devices"]} devices`);
  console.log(`  acknowledged ${fmt(ingest.ackedPerS).padStart(9)} msg/s`);
  console.log(
    `  stored       ${fmt(ingest.storedPerS).padStart(9)} msg/s (first PUBLISH to last row in TelemetrySample)`,
  );
  console.log(`  rows ${fmt(ingest.rows)} of ${fmt(ingest.messages)}: ${lost === 0 ? "none lost" : `${lost} LOST`}`);
  if (lost !== 0) process.exitCode = 1;
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${(await import("node:os")).cpus().length} CPUs, run ${RUN}`);
  try {
    if (flags["only-ingest"]) return await reportIngest();
    const mosquitto = await startMosquitto();
    let mosq: BrokerFigures;
    let ours: BrokerFigures;
    try {
      const oursProcess = await startOurs("ours", {});
      try {
        [mosq, ours] = await measureBoth([mosquitto, oursProcess]);
      } finally {
        await oursProcess.stop();
      }
    } finally {
      await mosquitto.stop();
    }
    printComparison(mosq, ours);

    if (!flags["no-cluster"]) {
      const cluster = await measureCluster();
      if (typeof cluster === "string") console.log(`\ncluster: skipped (${cluster})`);
      else {
        console.log(`\nRedis cluster (ours, 2 nodes on this machine), QoS 1, ${PAIRS}→${PAIRS}`);
        console.log(
          `  one Redis-backed node          ${fmt(cluster.single.msgsPerS).padStart(9)} msg/s  (${(cluster.single.msgsPerS / mosq.qos1.msgsPerS).toFixed(2)}× mosquitto)`,
        );
        console.log(
          `  publish on A, subscribe on B   ${fmt(cluster.cluster.msgsPerS).padStart(9)} msg/s  (${(cluster.cluster.msgsPerS / mosq.qos1.msgsPerS).toFixed(2)}× mosquitto, ${(cluster.cluster.msgsPerS / cluster.single.msgsPerS).toFixed(2)}× one node)`,
        );
        console.log(
          `  delivered/sent: one node ${cluster.single.delivered}/${cluster.single.sent}, A→B ${cluster.cluster.delivered}/${cluster.cluster.sent}`,
        );
      }
    }
    if (!flags["no-ingest"]) await reportIngest();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
