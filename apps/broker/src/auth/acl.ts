// What each kind of principal may publish, subscribe to and receive (docs/architecture.md, "MQTT namespace").
// Device rules come from @fleet/protocol, the only place that spells Fleet topics.
import { deviceMayPublish, deviceMaySubscribe, filterCovers, topicMatches, TOPIC_ROOT } from "@fleet/protocol";
import type { Principal } from "./principal.ts";

/** Topics starting with `$` (`$SYS/...`) belong to the broker: no client may publish there. */
function isReservedTopic(topicOrFilter: string): boolean {
  return topicOrFilter.startsWith("$");
}

const ROOT_LEVELS = TOPIC_ROOT.split("/");

/**
 * Can this topic name or filter reach `fleet/v1` or anything below it? `#`, `+/v1/#` and
 * `fleet/+/x` all can; `fleet/v2/#` and `other/#` cannot.
 */
export function reachesFleetNamespace(topicOrFilter: string): boolean {
  const levels = topicOrFilter.split("/");
  for (let i = 0; i < ROOT_LEVELS.length; i++) {
    const level = levels[i];
    if (level === "#") return true; // the root itself and everything below
    if (level === undefined) return false; // shorter than the root, e.g. `fleet`
    if (level !== "+" && level !== ROOT_LEVELS[i]) return false;
  }
  return true;
}

export function mayPublish(principal: Principal, topic: string): boolean {
  if (isReservedTopic(topic)) return false;
  switch (principal.kind) {
    case "device":
      return deviceMayPublish(principal.deviceId, topic);
    case "service":
      return principal.publish.some((filter) => topicMatches(filter, topic));
    case "anonymous":
      return !reachesFleetNamespace(topic);
  }
}

export function maySubscribe(principal: Principal, filter: string): boolean {
  switch (principal.kind) {
    case "device":
      return deviceMaySubscribe(principal.deviceId, filter);
    case "service":
      return principal.subscribe.some((allowed) => filterCovers(allowed, filter));
    case "anonymous":
      return !isReservedTopic(filter) && !reachesFleetNamespace(filter);
  }
}

/** Defence in depth at delivery: a message reaches a client only on a topic it may subscribe to. */
export function mayReceive(principal: Principal, topic: string): boolean {
  switch (principal.kind) {
    case "device":
      return deviceMaySubscribe(principal.deviceId, topic);
    case "service":
      return principal.subscribe.some((allowed) => topicMatches(allowed, topic));
    case "anonymous":
      return !isReservedTopic(topic) && !reachesFleetNamespace(topic);
  }
}
