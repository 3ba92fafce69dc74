// Every bound of the wire format in one place. Hostile input meets these before anything else.

/** Largest MQTT payload we accept or produce (256 KiB). */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/**
 * Largest MQTT packet the broker should accept: the payload plus the fixed header, topic and packet id.
 * Our topics are short (see MAX_TOPIC_LENGTH), so 1 KiB of slack is plenty.
 */
export const MAX_PACKET_BYTES = MAX_PAYLOAD_BYTES + 1024;

/** Longest topic name or filter parseTopic / the rights helpers look at (MQTT allows 65535 bytes). */
export const MAX_TOPIC_LENGTH = 256;

/** Device ids: 1..64 characters of `[a-z0-9-]`, not starting with `-`. */
export const MAX_DEVICE_ID_LENGTH = 64;

/** `ts` fields are integer epoch milliseconds within [2000-01-01, 2100-01-01). */
export const MIN_TIMESTAMP_MS = Date.UTC(2000, 0, 1);
export const MAX_TIMESTAMP_MS = Date.UTC(2100, 0, 1);

export const MAX_TELEMETRY_SAMPLES = 500;
export const MAX_EVENTS_PER_BATCH = 200;
export const MAX_EVENT_MESSAGE_LENGTH = 2048;
export const MAX_EVENT_DATA_KEYS = 32;
export const MAX_EVENT_DATA_ARRAY_LENGTH = 64;
export const MAX_EVENT_DATA_STRING_LENGTH = 1024;

export const MAX_VARIANT_FILES = 1024;
export const MAX_URL_LENGTH = 2048;
export const MAX_FILE_PATH_LENGTH = 256;
/** Largest artifact (variant or single file) a desired state may point at: 64 GiB. */
export const MAX_ARTIFACT_BYTES = 2 ** 36;

export const MAX_ERROR_MESSAGE_LENGTH = 1024;
export const MAX_ENTITY_ID_LENGTH = 128;
export const MAX_HARDWARE_LIST_LENGTH = 32;

/** Issues carried by one ProtocolError (the first one also sets `path` and the message). */
export const MAX_REPORTED_ISSUES = 20;
