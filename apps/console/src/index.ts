// What other workspace code (e.g. tests/e2e) may use to start or query the console programmatically.
export { loadConsoleConfig, ConfigError, CONSOLE_SETTINGS_HELP, type TConsoleConfig } from "./config.ts";
export { startConsoleServer, type TRunningConsole } from "./cli/start-server.ts";
export { ensureProductionBuild } from "./cli/ensure-build.ts";
export type { AppRouter, RouterInputs, RouterOutputs } from "./server/root.ts";
