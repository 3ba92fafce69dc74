// Starts the stack for `npm start`: the embedded database owner (unless DATABASE_URL is set),
// migrations, the broker and the console; prefixes their output and stops them together.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";

const COLORS = { db: 35, broker: 33, console: 32, agent: 34 };

/** One child process whose output is prefixed; resolves `ready` on the line that says it listens. */
function launch(name, command, args, readyPattern) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
  const prefix = `\x1b[${COLORS[name] ?? 37}m${name.padEnd(7)}\x1b[0m| `;
  let lastError = "";
  let resolveReady;
  let rejectReady;
  const ready = new Promise((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  const onLine = (stream) => (line) => {
    stream.write(`${prefix}${line}\n`);
    if (stream === process.stderr && line.trim()) lastError = line.trim();
    if (readyPattern.test(line)) resolveReady(line);
  };
  readline.createInterface({ input: child.stdout }).on("line", onLine(process.stdout));
  readline.createInterface({ input: child.stderr }).on("line", onLine(process.stderr));
  const exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      const status = code ?? (signal ? 1 : 0);
      rejectReady(Object.assign(new Error(lastError || `${name} exited with code ${status}`), { status }));
      resolve(status);
    });
  });
  return { name, child, ready, exited };
}

async function stopAll(running) {
  for (const proc of [...running].reverse()) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill("SIGTERM");
    const timer = setTimeout(() => proc.child.kill("SIGKILL"), 10_000);
    await proc.exited;
    clearTimeout(timer);
  }
}

/**
 * The console publishes desired state as the broker's `console` service account. On first start
 * the launcher creates that account (secret in keys/, 0600; scrypt hash in service-accounts.json);
 * a service-accounts file the operator wrote is left alone. Returns the secret, or null.
 */
function ensureConsoleServiceAccount(bin, dataDir) {
  const accountsFile = process.env.MQTT_SERVICE_ACCOUNTS || path.join(dataDir, "service-accounts.json");
  const secretFile = path.join(dataDir, "keys", "console-mqtt.secret");
  if (existsSync(accountsFile)) {
    return existsSync(secretFile) ? readFileSync(secretFile, "utf8").trim() : null;
  }
  const generated = spawnSync(bin("fleet-broker"), ["hash-secret", "--generate"], { encoding: "utf8" });
  const secret = /^secret: (\S+)$/m.exec(generated.stdout ?? "")?.[1];
  const secretHash = /^secretHash: (\S+)$/m.exec(generated.stdout ?? "")?.[1];
  if (generated.status !== 0 || !secret || !secretHash) throw new Error("fleet-broker hash-secret --generate failed");
  mkdirSync(path.dirname(secretFile), { recursive: true });
  writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
  chmodSync(secretFile, 0o600);
  const account = {
    username: "console",
    secretHash,
    publish: ["fleet/v1/+/desired"],
    subscribe: ["fleet/v1/+/status", "fleet/v1/+/reported", "fleet/v1/+/events", "$SYS/#"],
  };
  writeFileSync(accountsFile, `${JSON.stringify({ accounts: [account] }, null, 2)}\n`, { mode: 0o600 });
  return secret;
}

export async function startStack({ bin, log }) {
  const running = [];
  let stopping = false;
  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    await stopAll(running);
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  const start = async (name, args, pattern) => {
    const proc = launch(name, bin(args[0]), args.slice(1), pattern);
    running.push(proc);
    try {
      return await proc.ready;
    } catch (error) {
      process.stderr.write(`fleet: ${name} could not start (see its line above); stopping the stack\n`);
      await shutdown(error.status || 1);
      return "";
    }
  };

  const summary = [];
  if (!process.env.DATABASE_URL) {
    const line = await start("db", ["fleet-db", "serve"], /serving/);
    summary.push(["database", line.replace(/^fleet-db: serving /, "") || "embedded"]);
  } else {
    summary.push(["database", "external PostgreSQL (DATABASE_URL)"]);
  }
  const migrateProc = launch("db", bin("fleet-db"), ["migrate"], /up to date/);
  migrateProc.ready.catch(() => {}); // judged by the exit code below
  const migrated = await migrateProc.exited;
  if (migrated !== 0) {
    process.stderr.write("fleet: migrations failed; the database was left as it was\n");
    await shutdown(migrated);
  }

  const dataDir = path.resolve(process.env.FLEET_DATA_DIR || "./data");
  const consoleSecret = process.env.MQTT_URL ? null : ensureConsoleServiceAccount(bin, dataDir);
  let mqttUrl = process.env.MQTT_URL;
  let deviceMqttUrl = mqttUrl;
  for (const [name, binName, pattern] of [
    ["broker", "fleet-broker", /^fleet-broker: .*mqtt:\/\//],
    ["console", "fleet-console", /^fleet-console: http/],
  ]) {
    if (!existsSync(bin(binName))) continue;
    // The console talks to the broker this launcher started, unless told otherwise.
    if (name === "console" && mqttUrl) process.env.MQTT_URL = mqttUrl;
    const line = await start(name, [binName], pattern);
    const port = name === "broker" ? /mqtt:\/\/[^:\s]+:(\d+)/.exec(line)?.[1] : undefined;
    if (port && !mqttUrl) {
      deviceMqttUrl = `mqtt://127.0.0.1:${port}`;
      mqttUrl = consoleSecret ? `mqtt://console:${encodeURIComponent(consoleSecret)}@127.0.0.1:${port}` : deviceMqttUrl;
    }
    summary.push([name, line.replace(/^fleet-[a-z]+: /, "")]);
  }

  // A demo fleet of simulated devices, provisioned through the console (FLEET_DEMO_DEVICES=0: none).
  const demoCount = process.env.FLEET_DEMO_DEVICES ?? "12";
  if (deviceMqttUrl && demoCount !== "0" && existsSync(bin("fleet-console")) && existsSync(bin("fleet-agent"))) {
    const credentials = path.join(dataDir, "demo-credentials.json");
    const provision = launch(
      "console",
      bin("fleet-console"),
      ["provision-demo", "--count", demoCount, "--out", credentials],
      /provisioned/,
    );
    provision.ready.catch(() => {}); // judged by the exit code below
    const provisioned = await provision.exited;
    if (provisioned !== 0) {
      process.stderr.write("fleet: provisioning the demo fleet failed (see above); stopping the stack\n");
      await shutdown(provisioned);
    }
    await start(
      "agent",
      [
        "fleet-agent",
        "simulate",
        "--broker",
        deviceMqttUrl,
        "--count",
        demoCount,
        "--credentials",
        credentials,
        "--public-key",
        path.join(dataDir, "keys", "signing-ed25519.pub.pem"),
        "--data-dir",
        path.join(dataDir, "demo-agents"),
        "--telemetry-interval",
        "5",
      ],
      /simulator started/,
    );
    summary.push(["demo", `${demoCount} simulated devices (demo-0001…), credentials in ${credentials}`]);
  }

  log("the stack is running:");
  for (const [name, where] of summary) process.stdout.write(`    ${name.padEnd(9)} ${where}\n`);
  process.stdout.write("    Ctrl+C stops everything.\n");

  // If any part dies, stop the rest: a half-running stack is worse than a clear stop.
  const first = await Promise.race(running.map((proc) => proc.exited.then((code) => ({ proc, code }))));
  if (!stopping) {
    process.stderr.write(`fleet: ${first.proc.name} exited (code ${first.code}); stopping the stack\n`);
    await shutdown(first.code || 1);
  }
}
