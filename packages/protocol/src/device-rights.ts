// What a device may do on the broker (docs/architecture.md, "MQTT namespace"). The broker ACL calls these.
import { isDeviceId } from "./device-id.ts";
import { filterCovers, isValidTopicFilter } from "./topic-filters.ts";
import { devicePublishTopics, deviceSubscriptionFilters } from "./topics.ts";
import { MAX_TOPIC_LENGTH } from "./limits.ts";

/**
 * A device may publish only to its own status, telemetry, reported and events topics: an exact match,
 * so no other device, no desired/cmd, no `$` topic, no extra levels. Invalid input gives false.
 */
export function deviceMayPublish(deviceId: string, topic: string): boolean {
  if (!isDeviceId(deviceId) || typeof topic !== "string") return false;
  return devicePublishTopics(deviceId).includes(topic);
}

/**
 * A device may subscribe only to its own desired topic and to filters inside its own `cmd/#` subtree
 * (`fleet/v1/{id}/cmd/#`, `…/cmd/+`, `…/cmd/reboot`). A wildcard that could reach another device's
 * topics, or its own status/telemetry/reported/events, is refused. Invalid input gives false.
 */
export function deviceMaySubscribe(deviceId: string, filter: string): boolean {
  if (!isDeviceId(deviceId) || !isValidTopicFilter(filter) || filter.length > MAX_TOPIC_LENGTH) return false;
  return deviceSubscriptionFilters(deviceId).some((allowed) => filterCovers(allowed, filter));
}
