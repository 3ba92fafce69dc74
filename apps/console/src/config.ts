// The console's settings at run time: the ONE module that reads process.env. main.ts reads the
// command line here and publishes the validated TConsoleConfig; server code inside the Next runtime
// asks getConsoleConfig(). The table is settings.ts, the command parser cli/command-line.ts.
import { loadConsoleConfig, type TConsoleCommandLine } from "./cli/command-line.ts";
import { CONSOLE_SETTINGS, consoleConfigToEnv, loadConsoleSettings, type TConsoleConfig } from "./settings.ts";

export type { TConsoleConfig };

// main.ts and the Next server code run in one process but load this module twice (tsx vs. the
// Next bundle), so the validated config is handed over through a process-wide symbol.
const RUNTIME_KEY = Symbol.for("fleet.console.config");
type TRuntimeGlobal = typeof globalThis & { [RUNTIME_KEY]?: TConsoleConfig };

/**
 * Makes `config` the one the Next runtime sees. Also exports it to process.env so a child
 * process (a `next build` worker) reads the same, already resolved values.
 */
export function publishConsoleConfig(config: TConsoleConfig): void {
  (globalThis as TRuntimeGlobal)[RUNTIME_KEY] = config;
  const env = consoleConfigToEnv(config);
  for (const { env: key } of CONSOLE_SETTINGS) {
    if (env[key] === undefined) delete process.env[key];
    else process.env[key] = env[key];
  }
}

/** Reads this process's environment and command line: what bin/fleet-console.mjs runs with. */
export function readConsoleConfig(argv: readonly string[] = process.argv.slice(2)): TConsoleCommandLine {
  return loadConsoleConfig(process.env, argv);
}

/**
 * Prepares the environment Next reads before `next` is imported: NODE_ENV (the custom server does
 * not set it, and a production server on development React is slow and noisy), and no telemetry
 * (operators run this on their own networks, often offline) unless they opted in explicitly.
 */
export function prepareNextEnv(dev: boolean): void {
  const env = process.env as Record<string, string>;
  env["NODE_ENV"] = dev ? "development" : "production";
  env["NEXT_TELEMETRY_DISABLED"] ??= "1";
}

/** Environment for a child `next build`: the published settings, without Next's telemetry. */
export function buildProcessEnv(): NodeJS.ProcessEnv {
  return { NEXT_TELEMETRY_DISABLED: "1", ...process.env, NODE_ENV: "production" };
}

/** The config inside server code: the one main.ts published, else read from the environment. */
export function getConsoleConfig(): TConsoleConfig {
  const global = globalThis as TRuntimeGlobal;
  const published = global[RUNTIME_KEY];
  if (published) return published;
  const config = loadConsoleSettings(process.env);
  global[RUNTIME_KEY] = config;
  return config;
}
