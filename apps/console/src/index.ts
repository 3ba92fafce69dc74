// What other workspace code (e.g. tests/e2e) may use to start or query the console programmatically.
export { CONSOLE_CLI, loadConsoleConfig, type TConsoleCommandLine } from "./cli/command-line.ts";
export { CONSOLE_SETTINGS, loadConsoleSettings, type TConsoleConfig } from "./settings.ts";
export { startConsoleServer, type TRunningConsole } from "./cli/start-server.ts";
export { ensureProductionBuild } from "./cli/ensure-build.ts";
export type { AppRouter, RouterInputs, RouterOutputs } from "./server/root.ts";
