export { loadAgentConfig, ZAgentConfig, ConfigError, type TAgentConfig } from "./config.ts";
