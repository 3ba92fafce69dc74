// Building and parsing fleet/v1/{id}/{channel}[/…] topics: the only place Fleet topics are spelled.
import { CHANNEL_SPECS, isChannel, TOPIC_ROOT, type TChannel, type TPayloadChannel } from "./channels.ts";
import { isDeviceId, parseDeviceId, type TDeviceId } from "./device-id.ts";
import { fail, ok, ProtocolError, quote, type TResult } from "./errors.ts";
import { MAX_TOPIC_LENGTH } from "./limits.ts";

/** One level below `cmd/`: a lower-case command name such as `reboot` or `self-test`. */
export const CMD_LEVEL_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** At most this many levels below `cmd/`. */
export const MAX_CMD_LEVELS = 4;

/** Subscribe to everything Fleet (services only). */
export const FLEET_FILTER = `${TOPIC_ROOT}/#`;

const [ROOT_NAME, ROOT_VERSION] = TOPIC_ROOT.split("/") as [string, string];

export type TParsedTopic =
  | { readonly deviceId: TDeviceId; readonly channel: TPayloadChannel; readonly rest?: undefined }
  | { readonly deviceId: TDeviceId; readonly channel: "cmd"; readonly rest: string };

/** `fleet/v1/{id}/{channel}`. Throws a ProtocolError for an invalid id (a programming error, not input). */
export function buildTopic(deviceId: TDeviceId, channel: TPayloadChannel): string {
  assertDeviceId(deviceId);
  if (!isChannel(channel) || CHANNEL_SPECS[channel].subtree) {
    throw new ProtocolError("bad_channel", `no topic for channel ${quote(String(channel))}`);
  }
  return `${TOPIC_ROOT}/${deviceId}/${channel}`;
}

export const statusTopic = (deviceId: TDeviceId): string => buildTopic(deviceId, "status");
export const telemetryTopic = (deviceId: TDeviceId): string => buildTopic(deviceId, "telemetry");
export const desiredTopic = (deviceId: TDeviceId): string => buildTopic(deviceId, "desired");
export const reportedTopic = (deviceId: TDeviceId): string => buildTopic(deviceId, "reported");
export const eventsTopic = (deviceId: TDeviceId): string => buildTopic(deviceId, "events");

/** `fleet/v1/{id}/cmd/{name}` (reserved). `name` may have up to 4 levels, e.g. `model/reload`. */
export function cmdTopic(deviceId: TDeviceId, name: string): string {
  assertDeviceId(deviceId);
  const problem = cmdNameProblem(name);
  if (problem !== undefined) throw new ProtocolError("bad_topic", problem);
  return `${TOPIC_ROOT}/${deviceId}/cmd/${name}`;
}

/** Filter for one channel of every device, e.g. `fleet/v1/+/telemetry` (and `fleet/v1/+/cmd/#`). */
export function allDevicesFilter(channel: TChannel): string {
  if (!isChannel(channel)) throw new ProtocolError("bad_channel", `unknown channel ${quote(String(channel))}`);
  return CHANNEL_SPECS[channel].subtree ? `${TOPIC_ROOT}/+/${channel}/#` : `${TOPIC_ROOT}/+/${channel}`;
}

/** Filter for everything about one device: `fleet/v1/{id}/#` (services only). */
export function deviceFilter(deviceId: TDeviceId): string {
  assertDeviceId(deviceId);
  return `${TOPIC_ROOT}/${deviceId}/#`;
}

/** The four topics a device may publish to (status, telemetry, reported, events), in that order. */
export function devicePublishTopics(deviceId: TDeviceId): readonly string[] {
  return [statusTopic(deviceId), telemetryTopic(deviceId), reportedTopic(deviceId), eventsTopic(deviceId)];
}

/** The filters a device subscribes to: its desired topic and its `cmd/#` subtree. */
export function deviceSubscriptionFilters(deviceId: TDeviceId): readonly string[] {
  return [desiredTopic(deviceId), `${TOPIC_ROOT}/${deviceId}/cmd/#`];
}

/**
 * Parses a topic name (as received in a PUBLISH) into device id and channel. Never throws. Refuses
 * wildcards, empty levels, another root or version, an unknown channel, extra levels, a bad device id.
 */
export function parseTopic(topic: unknown): TResult<TParsedTopic> {
  if (typeof topic !== "string") return fail("bad_topic", "topic must be a string");
  if (topic.length === 0) return fail("bad_topic", "topic must not be empty");
  if (topic.length > MAX_TOPIC_LENGTH) {
    return fail("bad_topic", `topic is longer than ${MAX_TOPIC_LENGTH} characters`);
  }
  if (topic.includes("+") || topic.includes("#")) {
    return fail("bad_topic", `topic ${quote(topic)} contains a wildcard; a topic name must not [MQTT-3.3.2-2]`);
  }
  const levels = topic.split("/");
  if (levels.some((level) => level.length === 0)) {
    return fail("bad_topic", `topic ${quote(topic)} has an empty level`);
  }
  const [root, version, id, channel, ...rest] = levels;
  if (root !== ROOT_NAME) return fail("bad_topic", `topic ${quote(topic)} is not under ${TOPIC_ROOT}/`);
  if (version !== ROOT_VERSION) {
    return fail("bad_topic", `topic ${quote(topic)} has version ${quote(version ?? "")}, expected ${ROOT_VERSION}`);
  }
  if (id === undefined || channel === undefined) {
    return fail("bad_topic", `topic ${quote(topic)} is not ${TOPIC_ROOT}/{device id}/{channel}`);
  }
  const deviceId = parseDeviceId(id);
  if (!deviceId.ok) return deviceId;
  if (!isChannel(channel)) return fail("bad_topic", `topic ${quote(topic)} has unknown channel ${quote(channel)}`);
  if (channel === "cmd") {
    const name = rest.join("/");
    const problem = cmdNameProblem(name);
    if (problem !== undefined) return fail("bad_topic", problem);
    return ok({ deviceId: deviceId.value, channel, rest: name });
  }
  if (rest.length > 0) return fail("bad_topic", `topic ${quote(topic)} has extra levels after ${quote(channel)}`);
  return ok({ deviceId: deviceId.value, channel });
}

function cmdNameProblem(name: string): string | undefined {
  if (typeof name !== "string" || name.length === 0) return "a cmd topic needs a command name after cmd/";
  const levels = name.split("/");
  if (levels.length > MAX_CMD_LEVELS) return `command name ${quote(name)} has more than ${MAX_CMD_LEVELS} levels`;
  const bad = levels.find((level) => !CMD_LEVEL_PATTERN.test(level));
  if (bad !== undefined) return `command name level ${quote(bad)} must match ${CMD_LEVEL_PATTERN.source}`;
  return undefined;
}

function assertDeviceId(deviceId: unknown): asserts deviceId is TDeviceId {
  if (isDeviceId(deviceId)) return;
  const parsed = parseDeviceId(deviceId);
  throw parsed.ok ? new ProtocolError("bad_device_id", "invalid device id") : parsed.error;
}
