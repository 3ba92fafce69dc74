// fleet-agent CLI: run (one device), simulate (N virtual devices), seed-credentials, engines, verify, config.
import type { KeyObject } from "node:crypto";
import { ConfigError, helpRequest, helpText, maskSecrets } from "@fleet/settings";
import { Agent } from "./agent.ts";
import {
  commandLineArgs,
  deviceIdentity,
  onnxThreads,
  readAgentConfig,
  type TAgentCommandLine,
  type TAgentConfig,
} from "./config.ts";
import { DeviceEngines, type TOnnxProber } from "./engines/device-engines.ts";
import { probeOnnxInChild } from "./engines/probe-child.ts";
import { verifyVariant } from "./engines/verify-variant.ts";
import { AgentError } from "./errors.ts";
import { createLogger, type Logger, printReadyLine, setRootLogger } from "@fleet/log";
import { CredentialsError, generateCredentials, readCredentials, writeCredentials } from "./simulate/credentials.ts";
import { Simulator } from "./simulate/simulator.ts";
import { AGENT_CLI, AGENT_SETTINGS } from "./settings.ts";
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
  const { identity, warnings } = deviceIdentity(config, { argv: commandLineArgs });
  const logger = setRootLogger(
    createLogger({ name: "fleet-agent", level: config.logLevel, bindings: { deviceId: identity.deviceId } }),
  );
  for (const warning of warnings) logger.warn(warning);
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
    httpMaxConcurrent: config.httpMaxConcurrent,
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
      activeVariant: agent.slot.active?.variant.id ?? null,
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

async function seedCredentials(config: { count: number; credentials: string; idPrefix: string }): Promise<void> {
  const credentials = generateCredentials(config.count, config.idPrefix);
  await writeCredentials(config.credentials, credentials);
  process.stdout.write(`wrote ${credentials.length} device credentials to ${config.credentials}\n`);
}

/** Runs the command the command line names, with its typed settings. */
async function runCommand(parsed: TAgentCommandLine): Promise<void> {
  switch (parsed.command) {
    case "run":
      return run(parsed.config);
    case "simulate":
      return simulate(parsed.config);
    case "seed-credentials":
      return seedCredentials(parsed.config);
    case "engines": {
      // one JSON line: what the birth's hardware.engines is made of (also the child probe of `run`)
      const probes = await new DeviceEngines({ allowed: parsed.config.engines }).probe();
      process.stdout.write(`${JSON.stringify(probes)}\n`);
      return;
    }
    case "verify": {
      // one JSON object: the variant directory opened as the agent would, self-tested and timed
      const { config } = parsed;
      const result = await verifyVariant(parsed.args.dir, {
        engines: config.engines,
        onnxThreads: onnxThreads(config),
      });
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    case "config": {
      // the secret is read (from its file too) and checked like `run` would, then masked
      const { warnings } = deviceIdentity(parsed.config, { argv: commandLineArgs });
      for (const warning of warnings) process.stderr.write(`fleet-agent: warning: ${warning}\n`);
      process.stdout.write(`${JSON.stringify(maskSecrets(AGENT_SETTINGS, parsed.config), null, 2)}\n`);
      return;
    }
  }
}

const help = helpRequest(AGENT_CLI, process.argv.slice(2));
if (help) {
  process.stdout.write(helpText(AGENT_CLI, help.command));
} else {
  let parsed: TAgentCommandLine;
  try {
    parsed = readAgentConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, error.exitCode);
    throw error;
  }
  try {
    await runCommand(parsed);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, error.exitCode);
    if (error instanceof CredentialsError) fail(`${error.message} (see fleet-agent --help)`, 2);
    if (error instanceof AgentError) fail(error.message, 2);
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
      fail(`port in use: change --http-port (FLEET_AGENT_HTTP_PORT)`, 2);
    throw error;
  }
}
