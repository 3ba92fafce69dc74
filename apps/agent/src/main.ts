// fleet-agent CLI: run (one device), simulate (N virtual devices), seed-credentials, engines, verify, config.
import type { KeyObject } from "node:crypto";
import { Agent } from "./agent.ts";
import { ConfigError, deviceIdentity, HELP, onnxThreads, readAgentConfig, type TAgentConfig } from "./config.ts";
import { DeviceEngines, type TOnnxProber } from "./engines/device-engines.ts";
import { probeOnnxInChild } from "./engines/probe-child.ts";
import { verifyVariant } from "./engines/verify-variant.ts";
import { AgentError } from "./errors.ts";
import { createLogger, type Logger, printReadyLine, setRootLogger } from "@fleet/log";
import { CredentialsError, generateCredentials, readCredentials, writeCredentials } from "./simulate/credentials.ts";
import { Simulator } from "./simulate/simulator.ts";
import { parsePublicKey } from "./update/signature.ts";

function fail(message: string, code: number): never {
  process.stderr.write(`fleet-agent: ${message}\n`);
  process.exit(code);
}

function publicKeyOf(config: TAgentConfig, logger: Logger): KeyObject | undefined {
  if (config.publicKey === undefined) {
    logger.warn("no console public key (--public-key): every artifact will be refused");
    return undefined;
  }
  return parsePublicKey(config.publicKey);
}

/** Stops cleanly (offline status, DISCONNECT) on SIGINT/SIGTERM; a second signal exits at once. */
function onShutdown(stop: () => Promise<void>, logger: Logger): void {
  // A daemon runs until told to stop, even while its only timers are unref'd (waiting to reconnect).
  setInterval(() => {}, 2 ** 30);
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, "shutting down");
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}

/** ONNX Runtime probed by this same program in a child process (`engines --engines onnx`), see probe-child.ts. */
function childOnnxProber(): TOnnxProber | undefined {
  const script = process.argv[1];
  if (script === undefined) return undefined; // not started from a file: probe in this process
  // node's own flags pass on (memory settings, a loader), but not an inspector that would fight over its port
  const flags = process.execArgv.filter((flag) => !flag.startsWith("--inspect"));
  return () => probeOnnxInChild(process.execPath, [...flags, script, "engines", "--engines", "onnx"]);
}

async function run(config: TAgentConfig): Promise<void> {
  const identity = deviceIdentity(config);
  const logger = setRootLogger(
    createLogger({ name: "fleet-agent", level: config.logLevel, bindings: { deviceId: identity.deviceId } }),
  );
  const agent = new Agent({
    ...identity,
    dataDir: config.dataDir,
    deviceClass: config.deviceClass,
    publicKey: publicKeyOf(config, logger),
    caFile: config.caFile,
    telemetryIntervalSec: config.telemetryInterval,
    inputs: config.inputs,
    inferRate: config.inferRate,
    httpPort: config.httpPort,
    queue: "disk",
    queueMax: config.queueMax,
    maxModelBytes: config.maxModelMb * 1024 * 1024,
    seed: config.seed,
    engines: config.engines,
    onnxThreads: onnxThreads(config),
    probeOnnx: childOnnxProber(),
    logger,
  });
  onShutdown(() => agent.stop(), logger);
  await agent.start();
  logger.info(
    {
      broker: identity.brokerUrl,
      dataDir: config.dataDir,
      activeVariant: agent.engine.active?.variant.id ?? null,
    },
    "agent started",
  );
  printReadyLine("fleet-agent", {
    broker: identity.brokerUrl,
    infer: agent.httpPort === undefined ? null : `http://127.0.0.1:${agent.httpPort}/infer`,
  });
}

async function simulate(config: TAgentConfig): Promise<void> {
  const logger = setRootLogger(createLogger({ name: "fleet-agent", level: config.logLevel }));
  const count = config.count!;
  const credentials = config.credentials
    ? await readCredentials(config.credentials)
    : generateCredentials(count, config.idPrefix ?? "sim");
  if (credentials.length < count)
    throw new CredentialsError(`${config.credentials}: holds ${credentials.length} devices, --count asks for ${count}`);
  const simulator = new Simulator({
    config: { ...config, brokerUrl: config.brokerUrl! },
    credentials: credentials.slice(0, count),
    publicKey: publicKeyOf(config, logger),
    logger,
  });
  onShutdown(() => simulator.stop(), logger);
  await simulator.start();
  logger.info({ devices: count, broker: config.brokerUrl }, "simulator started");
  printReadyLine("fleet-agent", { broker: config.brokerUrl ?? null });
}

async function seedCredentials(config: TAgentConfig): Promise<void> {
  const credentials = generateCredentials(config.count!, config.idPrefix ?? "sim");
  await writeCredentials(config.credentials!, credentials);
  process.stdout.write(`wrote ${credentials.length} device credentials to ${config.credentials}\n`);
}

let parsed;
try {
  parsed = readAgentConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(`${error.message} (see fleet-agent --help)`, 2);
  throw error;
}

const commands: Record<string, (config: TAgentConfig, positionals: string[]) => Promise<void>> = {
  run,
  simulate,
  "seed-credentials": seedCredentials,
  // one JSON line: what the birth's hardware.engines is made of (also the child probe of `run`)
  engines: async (config) => {
    const probes = await new DeviceEngines({ allowed: config.engines }).probe();
    process.stdout.write(`${JSON.stringify(probes)}\n`);
  },
  // one JSON object: the variant directory opened as the agent would, self-tested and timed
  verify: async (config, positionals) => {
    const dir = positionals[0];
    if (dir === undefined || positionals.length > 1)
      throw new ConfigError("verify takes one variant directory: fleet-agent verify DIR");
    const result = await verifyVariant(dir, { engines: config.engines, onnxThreads: onnxThreads(config) });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  },
  config: async (config) => {
    process.stdout.write(
      `${JSON.stringify({ ...config, secret: config.secret === undefined ? undefined : "********" }, null, 2)}\n`,
    );
  },
};

if (parsed.help || parsed.command === undefined) {
  process.stdout.write(HELP);
} else {
  const command = commands[parsed.command];
  if (!command) fail(`unknown command "${parsed.command}" (see fleet-agent --help)`, 2);
  try {
    await command(parsed.config, parsed.positionals);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CredentialsError)
      fail(`${error.message} (see fleet-agent --help)`, 2);
    if (error instanceof AgentError) fail(error.message, 2);
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
      fail(`port in use: change --http-port (FLEET_AGENT_HTTP_PORT)`, 2);
    throw error;
  }
}
