// MQTT 3.1.1 topic names, topic filters and matching (section 4.7). Generic: knows nothing of fleet/v1.
import { hasLoneSurrogate, utf8ByteLength } from "./utf8.ts";

/** Longest UTF-8 string MQTT can carry [MQTT-4.7.3-3]. */
const MAX_MQTT_STRING_BYTES = 65_535;

function isMqttString(value: unknown): value is string {
  return (
    typeof value === "string" &&
    value.length > 0 && // [MQTT-4.7.3-1]
    !value.includes("\u0000") && // [MQTT-4.7.3-2]
    !hasLoneSurrogate(value) && // [MQTT-1.5.3-1]
    utf8ByteLength(value) <= MAX_MQTT_STRING_BYTES // [MQTT-4.7.3-3]
  );
}

/** A topic name a client may PUBLISH to: a non-empty MQTT string without wildcards [MQTT-3.3.2-2]. */
export function isValidTopicName(topic: unknown): topic is string {
  return isMqttString(topic) && !topic.includes("+") && !topic.includes("#");
}

/**
 * A topic filter a client may SUBSCRIBE to: `#` only as the whole last level [MQTT-4.7.1-2],
 * `+` only as a whole level [MQTT-4.7.1-3].
 */
export function isValidTopicFilter(filter: unknown): filter is string {
  if (!isMqttString(filter)) return false;
  const levels = filter.split("/");
  return levels.every((level, index) => {
    if (level === "#") return index === levels.length - 1;
    if (level === "+") return true;
    return !level.includes("#") && !level.includes("+");
  });
}

/**
 * Does `filter` match `topic` as a broker would deliver it? Invalid input gives false, never a throw.
 * `+` matches exactly one level (possibly empty), `#` the parent level and any number of children, and a
 * filter starting with a wildcard does not match a topic starting with `$` [MQTT-4.7.2-1].
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (!isValidTopicFilter(filter) || !isValidTopicName(topic)) return false;
  const filterLevels = filter.split("/");
  const topicLevels = topic.split("/");
  if (topic.startsWith("$") && isWildcard(filterLevels[0])) return false;
  for (let i = 0; i < filterLevels.length; i++) {
    const level = filterLevels[i];
    if (level === "#") return true;
    if (i >= topicLevels.length) return false;
    if (level === "+") continue;
    if (level !== topicLevels[i]) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/**
 * Is every topic matched by `inner` also matched by `outer`? The broker ACL uses this to check a
 * SUBSCRIBE filter against the filters a client is allowed: `fleet/v1/+/telemetry` covers
 * `fleet/v1/dev-1/telemetry` but not `fleet/v1/#`. Invalid input gives false.
 */
export function filterCovers(outer: string, inner: string): boolean {
  if (!isValidTopicFilter(outer) || !isValidTopicFilter(inner)) return false;
  const outerLevels = outer.split("/");
  const innerLevels = inner.split("/");
  const innerFirst = innerLevels[0] ?? "";
  // Leading wildcards never reach `$` topics, so they cannot cover a filter naming one [MQTT-4.7.2-1].
  if (isWildcard(outerLevels[0]) && !isWildcard(innerFirst) && innerFirst.startsWith("$")) return false;
  for (let i = 0; i < outerLevels.length; i++) {
    const outerLevel = outerLevels[i];
    if (outerLevel === "#") return true;
    if (i >= innerLevels.length) return false;
    const innerLevel = innerLevels[i];
    if (innerLevel === "#") return false;
    if (outerLevel === "+") continue;
    if (innerLevel === "+" || innerLevel !== outerLevel) return false;
  }
  return outerLevels.length === innerLevels.length;
}

function isWildcard(level: string | undefined): boolean {
  return level === "+" || level === "#";
}
