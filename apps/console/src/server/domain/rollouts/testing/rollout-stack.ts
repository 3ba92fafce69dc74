// The real pieces around the rollout driver, for the end-to-end tests and bench/rollouts:
// - real variants: the MNIST reference CNN quantized by @fleet/quantize, stored and signed by the
//   console's own storeQuantizedVariants (artifact store + ModelVariant rows), optionally with a
//   tampered golden output so every agent's self-test fails;
// - the console's real artifact route (artifactResponse: signed URL check, Range) mounted in a small
//   node:http server, so the `desired` URLs the driver mints are downloadable;
// - a real `fleet-broker` process (ingest into the same database) with the console's service
//   account, and real `fleet-agent simulate` / `fleet-agent run` processes for the devices.
// Apps never import each other: broker and agent are only ever spawned as programs here.
import { spawn, type ChildProcess } from "node:child_process";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { hashSecret, type PrismaClient } from "@fleet/db";
import { quantizeModel, type TReport } from "@fleet/quantize";
import { getArtifactStore } from "../../../artifacts/artifact-store.ts";
import { getSigningKey, getUrlSigningKey } from "../../../artifacts/keys.ts";
import { artifactResponse } from "../../../http/artifact-response.ts";
import { storeQuantizedVariants } from "../../models/store-variants.ts";
import { findReadyLine, type TReadyLine } from "@fleet/log";

export const REPO_ROOT = fileURLToPath(new URL("../../../../../../../", import.meta.url));
export const MNIST_DIR = path.join(REPO_ROOT, "packages/quantize/fixtures/mnist-cnn");
const BROKER_BIN = path.join(REPO_ROOT, "apps/broker/bin/fleet-broker.mjs");
const AGENT_BIN = path.join(REPO_ROOT, "apps/agent/bin/fleet-agent.mjs");

/** A clean environment for child processes: settings go in as flags, never inherited. */
function childEnv(): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR } = process.env;
  return { ...(PATH ? { PATH } : {}), ...(HOME ? { HOME } : {}), ...(TMPDIR ? { TMPDIR } : {}) } as NodeJS.ProcessEnv;
}

/** Quantizes the MNIST reference model into `variants` (one directory each under outDir). */
/** Any variant kind the quantizer produces, TF.js or onnx (`onnx-int8` needs `valDir` to calibrate). */
export type TMnistVariantKind = NonNullable<Parameters<typeof quantizeModel>[0]["variants"]>[number];

export async function quantizeMnist(options: {
  outDir: string;
  variants: TMnistVariantKind[];
  valDir?: string;
}): Promise<TReport> {
  return quantizeModel({
    input: MNIST_DIR,
    outDir: options.outDir,
    variants: options.variants,
    ...(options.valDir ? { valDir: options.valDir } : {}),
    measure: false,
  });
}

/**
 * Copies the quantize output to `dir` with every variant's golden self-test output shifted by +5:
 * the files (and their hashes) are untouched, so download and signature verify and the agents'
 * self-test is what fails.
 */
export async function tamperGoldenOutputs(fromDir: string, report: TReport, dir: string): Promise<void> {
  await cp(fromDir, dir, { recursive: true });
  for (const variant of report.variants) {
    const file = path.join(dir, variant.dir, "manifest.json");
    const manifest = JSON.parse(await readFile(file, "utf8")) as { selfTest: { output: { base64: string } } };
    const bytes = Buffer.from(manifest.selfTest.output.base64, "base64");
    const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).map((value) => value + 5);
    manifest.selfTest.output.base64 = Buffer.from(values.buffer).toString("base64");
    await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
  }
}

/** A READY model whose variants are stored and signed by the console (ModelVariant rows + artifact store). */
export async function storeModel(options: {
  prisma: PrismaClient;
  dataDir: string;
  name: string;
  outDir: string;
  report: TReport;
}): Promise<{ modelId: string; variants: Record<string, string> }> {
  const model = await options.prisma.model.create({
    data: {
      name: options.name,
      format: "tfjs-layers",
      inputShape: [28, 28, 1],
      sourceSha256: "0".repeat(64),
      sourceBytes: 1,
      status: "QUANTIZING",
    },
    select: { id: true },
  });
  const rows = await storeQuantizedVariants({
    prisma: options.prisma,
    store: getArtifactStore(options.dataDir),
    key: await getSigningKey(options.dataDir),
    modelId: model.id,
    outDir: options.outDir,
    report: options.report,
  });
  await options.prisma.model.update({ where: { id: model.id }, data: { status: "READY", progress: 1 } });
  return { modelId: model.id, variants: Object.fromEntries(rows.map((row) => [row.name, row.id])) };
}

export interface TArtifactServer {
  url: string;
  /** Requests served, by status. */
  statuses: Map<number, number>;
  close(): Promise<void>;
}

/** The console's real `/api/artifacts/<variantId>/<file>` handler behind a plain node:http server. */
export async function startArtifactServer(options: {
  prisma: PrismaClient;
  dataDir: string;
}): Promise<TArtifactServer> {
  const deps = {
    prisma: options.prisma,
    store: getArtifactStore(options.dataDir),
    urlKey: await getUrlSigningKey(options.dataDir),
  };
  const statuses = new Map<number, number>();
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const match = /^\/api\/artifacts\/([^/]+)\/(.+)$/.exec(url.pathname);
      let response: Response;
      if (!match) response = Response.json({ error: "not found" }, { status: 404 });
      else {
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === "string") headers.set(name, value);
        const request = new Request(url, { method: req.method ?? "GET", headers });
        const params = {
          variantId: decodeURIComponent(match[1]!),
          path: match[2]!.split("/").map((segment) => decodeURIComponent(segment)),
        };
        response = await artifactResponse(request, params, deps);
      }
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).pipe(res);
      else res.end();
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    statuses,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The bin's JSON ready line (@fleet/log) on stdout; rejects when the process exits first or time runs out. */
function waitForReady(child: ChildProcess, timeoutMs: number, what: string): Promise<TReadyLine> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => finish(new Error(`${what}: no ready line within ${timeoutMs} ms:\n${output.slice(-4000)}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = findReadyLine(output);
      if (ready !== null) finish(null, ready);
    };
    const onErr = (chunk: Buffer) => (output += chunk.toString());
    const onExit = (code: number | null) =>
      finish(new Error(`${what} exited (${code}) before it was ready:\n${output.slice(-4000)}`));
    function finish(error: Error | null, ready?: TReadyLine) {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onErr);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve(ready!);
    }
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onErr);
    child.once("exit", onExit);
  });
}

/** SIGTERM, then SIGKILL if it lingers. */
export async function stopProcess(child: ChildProcess | undefined, graceMs = 15_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Keeps the last `max` characters a child wrote (for failure messages), draining its pipes. */
function keepTail(child: ChildProcess, max = 20_000): () => string {
  let tail = "";
  const add = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-max);
  };
  child.stdout?.on("data", add);
  child.stderr?.on("data", add);
  return () => tail;
}

export interface TBroker {
  child: ChildProcess;
  /** What devices connect to (no credentials). */
  deviceUrl: string;
  /** The console's MQTT_URL: the `console` service account in the user info. */
  consoleUrl: string;
  output: () => string;
  stop(): Promise<void>;
}

/** A real fleet-broker on an ephemeral port, ingesting into `databaseUrl`, with the console's service account. */
export async function startBroker(options: {
  databaseUrl: string;
  dir: string;
  extraArgs?: string[];
}): Promise<TBroker> {
  await mkdir(options.dir, { recursive: true });
  const secret = `console-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const accountsFile = path.join(options.dir, "service-accounts.json");
  const account = {
    username: "console",
    secretHash: await hashSecret(secret),
    publish: ["fleet/v1/+/desired"],
    subscribe: ["fleet/v1/+/status", "fleet/v1/+/reported", "fleet/v1/+/events", "$SYS/#"],
  };
  await writeFile(accountsFile, `${JSON.stringify({ accounts: [account] }, null, 2)}\n`, { mode: 0o600 });
  const child = spawn(
    process.execPath,
    [
      BROKER_BIN,
      "--database-url",
      options.databaseUrl,
      "--host",
      "127.0.0.1",
      "--mqtt-port",
      "0",
      "--ws-port",
      "off",
      "--metrics-port",
      "off",
      "--service-accounts",
      accountsFile,
      "--data-dir",
      options.dir,
      "--log-level",
      "warn",
      ...(options.extraArgs ?? []),
    ],
    { cwd: REPO_ROOT, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
  const ready = waitForReady(child, 60_000, "fleet-broker");
  const output = keepTail(child);
  const deviceUrl = (await ready).urls.mqtt ?? "";
  const port = new URL(deviceUrl).port;
  return {
    child,
    deviceUrl,
    consoleUrl: `mqtt://console:${encodeURIComponent(secret)}@127.0.0.1:${port}`,
    output,
    stop: () => stopProcess(child),
  };
}

export interface TAgentProcess {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

const agentCommon = (
  options: { brokerUrl: string; publicKey: string; dataDir: string; telemetryInterval?: number; inferRate?: number },
  logLevel: string,
) => [
  "--broker",
  options.brokerUrl,
  "--public-key",
  options.publicKey,
  "--data-dir",
  options.dataDir,
  "--telemetry-interval",
  String(options.telemetryInterval ?? 1),
  "--infer-rate",
  String(options.inferRate ?? 1),
  "--inputs",
  "sensor",
  "--log-level",
  logLevel,
];

/** `fleet-agent simulate` for every device of the credentials file (2 gateways : 1 wearable by position). */
export async function startSimulator(options: {
  brokerUrl: string;
  publicKey: string;
  dataDir: string;
  credentialsFile: string;
  count: number;
  telemetryInterval?: number;
  inferRate?: number;
  readyTimeoutMs?: number;
}): Promise<TAgentProcess> {
  const child = spawn(
    process.execPath,
    [
      AGENT_BIN,
      "simulate",
      ...agentCommon(options, "info"),
      "--count",
      String(options.count),
      "--credentials",
      options.credentialsFile,
    ],
    { cwd: REPO_ROOT, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
  const ready = waitForReady(child, options.readyTimeoutMs ?? 120_000, "fleet-agent simulate");
  const output = keepTail(child);
  await ready;
  return { child, output, stop: () => stopProcess(child) };
}

/** One real `fleet-agent run` device. Resolves once the process runs (not necessarily connected). */
export function startAgent(options: {
  brokerUrl: string;
  publicKey: string;
  dataDir: string;
  deviceId: string;
  secret: string;
  deviceClass: "gateway" | "wearable";
  telemetryInterval?: number;
}): TAgentProcess {
  const child = spawn(
    process.execPath,
    [
      AGENT_BIN,
      "run",
      ...agentCommon(options, "warn"),
      "--device-id",
      options.deviceId,
      "--secret",
      options.secret,
      "--class",
      options.deviceClass,
      "--http-port",
      "0",
    ],
    { cwd: REPO_ROOT, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
  const output = keepTail(child);
  return { child, output, stop: () => stopProcess(child) };
}

/** Polls `check` until it returns a non-undefined value. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number; describe?: () => Promise<string> | string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${options.describe ? `: ${await options.describe()}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
}
