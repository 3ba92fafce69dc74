export { loadAgentConfig, type TAgentCommandLine, type TAgentConfig } from "./config.ts";
export { AGENT_CLI, AGENT_SETTINGS } from "./settings.ts";
export { Agent, AGENT_VERSION, type TAgentOptions } from "./agent.ts";
export { Simulator } from "./simulate/simulator.ts";
export { generateCredentials, parseCredentials, type TDeviceCredential } from "./simulate/credentials.ts";
