// @fleet/protocol: MQTT topics and payload schemas of Fleet (the only place topics are spelled).

export {
  MAX_ARTIFACT_BYTES,
  MAX_DEVICE_ID_LENGTH,
  MAX_EVENT_DATA_ARRAY_LENGTH,
  MAX_EVENT_DATA_KEYS,
  MAX_EVENT_DATA_STRING_LENGTH,
  MAX_EVENT_MESSAGE_LENGTH,
  MAX_EVENTS_PER_BATCH,
  MAX_PACKET_BYTES,
  MAX_PAYLOAD_BYTES,
  MAX_TELEMETRY_SAMPLES,
  MAX_TIMESTAMP_MS,
  MAX_TOPIC_LENGTH,
  MAX_VARIANT_FILES,
  MIN_TIMESTAMP_MS,
} from "./limits.ts";
export {
  PROTOCOL_ERROR_CODES,
  ProtocolError,
  type TProtocolErrorCode,
  type TProtocolIssue,
  type TResult,
} from "./errors.ts";
export { DEVICE_ID_PATTERN, isDeviceId, parseDeviceId, ZDeviceId, type TDeviceId } from "./device-id.ts";
export {
  CHANNEL_SPECS,
  CHANNELS,
  DEVICE_PUBLISH_CHANNELS,
  DEVICE_SUBSCRIBE_CHANNELS,
  isChannel,
  isPayloadChannel,
  PAYLOAD_CHANNELS,
  publishOptions,
  TOPIC_ROOT,
  type TChannel,
  type TChannelSpec,
  type TPayloadChannel,
} from "./channels.ts";
export {
  allDevicesFilter,
  buildTopic,
  CMD_LEVEL_PATTERN,
  cmdTopic,
  desiredTopic,
  deviceFilter,
  devicePublishTopics,
  deviceSubscriptionFilters,
  eventsTopic,
  FLEET_FILTER,
  MAX_CMD_LEVELS,
  parseTopic,
  reportedTopic,
  statusTopic,
  telemetryTopic,
  type TParsedTopic,
} from "./topics.ts";
export { filterCovers, isValidTopicFilter, isValidTopicName, topicMatches } from "./topic-filters.ts";
export { deviceMayPublish, deviceMaySubscribe } from "./device-rights.ts";
export {
  ENGINES,
  PRECISIONS,
  SCHEMA_VERSION,
  ZByteSize,
  ZEd25519SignatureBase64,
  ZEngine,
  ZEntityId,
  ZPrecision,
  ZSchemaVersion,
  ZSha256Hex,
  ZTimestampMs,
  type TEngine,
  type TPrecision,
} from "./schemas/common.ts";
export {
  HARDWARE_CLASSES,
  ZActiveVariant,
  ZHardware,
  ZHardwareClass,
  ZStatusOfflinePayload,
  ZStatusOnlinePayload,
  ZStatusPayload,
  type TActiveVariant,
  type THardware,
  type THardwareClass,
  type TStatusOfflinePayload,
  type TStatusOnlinePayload,
  type TStatusPayload,
} from "./schemas/status.ts";
export {
  MAX_LATENCY_MS,
  ZLatencyMs,
  ZTelemetryPayload,
  ZTelemetrySample,
  type TLatencyMs,
  type TTelemetryPayload,
  type TTelemetrySample,
} from "./schemas/telemetry.ts";
export {
  ZDesiredPayload,
  ZDesiredVariant,
  ZHttpUrl,
  ZRelativePath,
  ZVariantFile,
  type TDesiredPayload,
  type TDesiredVariant,
  type TVariantFile,
} from "./schemas/desired.ts";
export {
  REPORTED_STATES,
  REPORTED_STATES_WITH_ERROR,
  ZReportedPayload,
  ZReportedState,
  type TReportedPayload,
  type TReportedState,
} from "./schemas/reported.ts";
export {
  AGENT_ERROR_CODES,
  isAgentErrorCode,
  OTHER_AGENT_ERROR,
  ZAgentErrorCode,
  ZReportedError,
  type TAgentErrorCode,
  type TReportedError,
  type TReportedErrorCode,
} from "./schemas/agent-error-codes.ts";
export {
  EVENT_KINDS,
  LOG_LEVELS,
  ZEvent,
  ZEventData,
  ZEventKind,
  ZEventsPayload,
  ZLogLevel,
  type TEvent,
  type TEventData,
  type TEventDataValue,
  type TEventKind,
  type TEventsPayload,
  type TLogLevel,
} from "./schemas/events.ts";
export { PAYLOAD_SCHEMAS, type TPayloadByChannel } from "./payload-schemas.ts";
export { decodeMessage, decodePayload, type TDecodedMessage, type TPayloadInput } from "./decode.ts";
export { encodePayload } from "./encode.ts";
export { lastWill, offlineStatus } from "./last-will.ts";
