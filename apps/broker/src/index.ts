// @fleet/broker: the Fleet MQTT broker as a library (the `fleet-broker` bin wraps it).
export { startBroker, type BrokerDeps, type RunningBroker } from "./server.ts";
export { loadBrokerConfig, type BrokerConfig, type TEnv } from "./config.ts";
export { BROKER_CLI, BROKER_SETTINGS, brokerHelpText, type TSettingName } from "./settings.ts";
export { BrokerError, ListenError, type TBrokerErrorCode } from "./errors.ts";
export { refuseAllAuthenticator, type Authenticator } from "./auth/authenticator.ts";
export { ANONYMOUS, type Principal } from "./auth/principal.ts";
export { mayPublish, mayReceive, maySubscribe } from "./auth/acl.ts";
export { brokerUrls, readinessLine, type BrokerPorts, type BrokerUrls } from "./urls.ts";
// Logging is @fleet/log's; re-exported for callers of startBroker (deps.logger).
export { silentLogger, LOG_LEVELS, type Logger, type TLogLevel } from "@fleet/log";
export { LIMITS, LimitError, type TLimit } from "./limits/limit-error.ts";
