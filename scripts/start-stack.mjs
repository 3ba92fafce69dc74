// Starts the stack for `npm start`: the embedded database owner (unless DATABASE_URL is set),
// migrations, the broker and the console; prefixes their output (JSON log entries made readable),
// waits for each bin's JSON ready line, and stops them together.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";

const COLORS = { db: 35, broker: 33, console: 32, agent: 34 };

/**
 * The ready line a bin prints on stdout once it serves: {"ready":"fleet-broker","pid":1,"urls":{...}}.
 * The same shape as ZReadyLine in packages/log/src/ready-line.ts, checked by hand: this script runs
 * before anything is installed and cannot import TypeScript.
 */
export function parseReadyLine(line) {
  const text = line.trim();
  if (!text.startsWith('{"ready"')) return null;
  try {
    const value = JSON.parse(text);
    const urls = value?.urls;
    const ok =
      typeof value.ready === "string" &&
      Number.isInteger(value.pid) &&
      urls !== null &&
      typeof urls === "object" &&
      Object.values(urls).every((url) => typeof url === "string");
    return ok ? value : null;
  } catch {
    return null;
  }
}

/** A JSON log entry of @fleet/log as a person reads it (`WARN  msg  key=value`); other lines as they are. */
export function renderLogLine(line) {
  if (!line.startsWith("{")) return line;
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry?.level !== "string" || typeof entry.msg !== "string") return line;
  const level = entry.level.toUpperCase().padEnd(5);
  if (Array.isArray(entry.banner)) {
    const width = Math.max(...entry.banner.map((text) => String(text).length)) + 4;
    const rule = "!".repeat(width);
    return [rule, ...entry.banner.map((text) => `! ${String(text).padEnd(width - 4)} !`), rule].join("\n");
  }
  const hidden = new Set(["level", "time", "name", "msg"]);
  const fields = Object.entries(entry)
    .filter(([key]) => !hidden.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  return `${level} ${entry.msg}${fields.length > 0 ? `  ${fields.join(" ")}` : ""}`;
}

/** One child process whose output is prefixed; `ready` resolves with its ready line (bins that serve). */
function launch(name, command, args) {
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
    const readyLine = stream === process.stdout ? parseReadyLine(line) : null;
    if (readyLine !== null) {
      resolveReady(readyLine); // for programs; the bin's human line says the same
      return;
    }
    const shown = renderLogLine(line);
    for (const part of shown.split("\n")) stream.write(`${prefix}${part}\n`);
    if (stream === process.stderr && shown.trim()) lastError = shown.trim();
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

  /** Starts a bin that serves and waits for its ready line (its urls). */
  const start = async (name, args) => {
    const proc = launch(name, bin(args[0]), args.slice(1));
    running.push(proc);
    try {
      return (await proc.ready).urls;
    } catch (error) {
      process.stderr.write(`fleet: ${name} could not start (see its line above); stopping the stack\n`);
      await shutdown(error.status || 1);
      return {};
    }
  };

  const dataDir = path.resolve(process.env.FLEET_DATA_DIR || "./data");
  const summary = [];
  if (!process.env.DATABASE_URL) {
    const urls = await start("db", ["fleet-db", "serve"]);
    summary.push(["database", `embedded PGlite in ${path.join(dataDir, "db")} at ${urls.database}`]);
  } else {
    summary.push(["database", "external PostgreSQL (DATABASE_URL)"]);
  }
  const migrateProc = launch("db", bin("fleet-db"), ["migrate"]);
  migrateProc.ready.catch(() => {}); // judged by the exit code below
  const migrated = await migrateProc.exited;
  if (migrated !== 0) {
    process.stderr.write("fleet: migrations failed; the database was left as it was\n");
    await shutdown(migrated);
  }

  const consoleSecret = process.env.MQTT_URL ? null : ensureConsoleServiceAccount(bin, dataDir);
  let mqttUrl = process.env.MQTT_URL;
  let deviceMqttUrl = mqttUrl;
  for (const [name, binName] of [
    ["broker", "fleet-broker"],
    ["console", "fleet-console"],
  ]) {
    if (!existsSync(bin(binName))) continue;
    // The console talks to the broker this launcher started, unless told otherwise.
    if (name === "console" && mqttUrl) process.env.MQTT_URL = mqttUrl;
    const urls = await start(name, [binName]);
    const port = name === "broker" && urls.mqtt ? new URL(urls.mqtt).port : undefined;
    if (port && !mqttUrl) {
      deviceMqttUrl = `mqtt://127.0.0.1:${port}`;
      mqttUrl = consoleSecret ? `mqtt://console:${encodeURIComponent(consoleSecret)}@127.0.0.1:${port}` : deviceMqttUrl;
    }
    const where = Object.entries(urls).map(([role, url]) => (role === "metrics" ? `metrics ${url}` : url));
    summary.push([name, where.join("  ")]);
  }

  // A demo fleet of simulated devices, provisioned through the console (FLEET_DEMO_DEVICES=0: none).
  const demoCount = process.env.FLEET_DEMO_DEVICES ?? "12";
  if (deviceMqttUrl && demoCount !== "0" && existsSync(bin("fleet-console")) && existsSync(bin("fleet-agent"))) {
    const credentials = path.join(dataDir, "demo-credentials.json");
    const provision = launch("console", bin("fleet-console"), [
      "provision-demo",
      "--count",
      demoCount,
      "--out",
      credentials,
    ]);
    provision.ready.catch(() => {}); // judged by the exit code below
    const provisioned = await provision.exited;
    if (provisioned !== 0) {
      process.stderr.write("fleet: provisioning the demo fleet failed (see above); stopping the stack\n");
      await shutdown(provisioned);
    }
    await start("agent", [
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
    ]);
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
