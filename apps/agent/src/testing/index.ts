// What other workspace tests (tests/security) use to run agents against a real broker and artifact
// server: the same helpers the agent's own end-to-end tests use.
export { startTestAgent, tempDir, testAgentOptions, uniqueDeviceId } from "./agent-harness.ts";
export { startArtifactServer, type TArtifactServer, type THeldResponse } from "./artifact-server.ts";
export { recorder, startTestBroker, type TRecorder, type TTestBroker } from "./test-broker.ts";
export { desiredVariant, signingKeys, TINY_INPUT, writeTinyVariant, type TTinyVariant } from "./tiny-variant.ts";
export { waitFor } from "./wait.ts";
