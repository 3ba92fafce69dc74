// Starts the stack for `npm start`: the embedded database owner (unless DATABASE_URL is set),
// migrations, the broker and the console; prefixes their output and stops them together.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import readline from "node:readline";

const COLORS = { db: 35, broker: 33, console: 32, agent: 34 };

/** One child process whose output is prefixed; resolves `ready` on the line that says it listens. */
function launch(name, command, args, readyPattern) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
  const prefix = `\x1b[${COLORS[name] ?? 37}m${name.padEnd(7)}\x1b[0m| `;
  const readyLines = [];
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
    if (readyPattern.test(line)) {
      readyLines.push(line);
      resolveReady(readyLines);
    }
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
  return { name, child, ready, exited, readyLines };
}

async function stopAll(running) {
  for (const proc of [...running].reverse()) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill("SIGTERM");
    const timer = setTimeout(() => proc.child.kill("SIGKILL"), 10_000);
    await proc.exited;
    clearTimeout(timer);
  }
}

export async function startStack({ bin, log, die }) {
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
      return [];
    }
  };

  const summary = [];
  if (!process.env.DATABASE_URL) {
    const lines = await start("db", ["fleet-db", "serve"], /serving/);
    summary.push(["database", lines[0]?.replace(/^fleet-db: serving /, "") ?? "embedded"]);
  } else {
    summary.push(["database", "external PostgreSQL (DATABASE_URL)"]);
  }
  const migrateProc = launch("db", bin("fleet-db"), ["migrate"], /up to date/);
  const migrated = await migrateProc.exited;
  if (migrated !== 0) {
    process.stderr.write("fleet: migrations failed; the database was left as it was\n");
    await shutdown(migrated);
  }

  let mqttUrl = process.env.MQTT_URL;
  for (const [name, binName, pattern] of [
    ["broker", "fleet-broker", /^fleet-broker: .*mqtt:\/\//],
    ["console", "fleet-console", /^fleet-console: http/],
  ]) {
    if (!existsSync(bin(binName))) continue;
    // The console talks to the broker this launcher started, unless told otherwise.
    if (name === "console" && mqttUrl) process.env.MQTT_URL = mqttUrl;
    const lines = await start(name, [binName], pattern);
    const port = name === "broker" ? /mqtt:\/\/[^:\s]+:(\d+)/.exec(lines[0] ?? "")?.[1] : undefined;
    if (port && !mqttUrl) mqttUrl = `mqtt://127.0.0.1:${port}`;
    summary.push([name, lines[0]?.replace(/^fleet-[a-z]+: /, "") ?? ""]);
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
  void die;
}
