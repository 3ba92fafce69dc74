import packageJson from "../package.json" with { type: "json" };

/** The console's version, from its package.json (one source of truth). */
export const CONSOLE_VERSION: string = packageJson.version;
