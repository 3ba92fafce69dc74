export { loadAgentConfig, ZAgentConfig, ConfigError, type TAgentConfig } from "./config.ts";
export { Agent, AGENT_VERSION, type TAgentOptions } from "./agent.ts";
export { Simulator } from "./simulate/simulator.ts";
export { generateCredentials, parseCredentials, type TDeviceCredential } from "./simulate/credentials.ts";
