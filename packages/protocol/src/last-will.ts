// The status messages an agent publishes about itself: the birth's counterpart and the Last Will.
import { CHANNEL_SPECS } from "./channels.ts";
import type { TDeviceId } from "./device-id.ts";
import { SCHEMA_VERSION } from "./schemas/common.ts";
import type { TStatusOfflinePayload } from "./schemas/status.ts";
import { statusTopic } from "./topics.ts";

export function offlineStatus(ts: number): TStatusOfflinePayload {
  return { v: SCHEMA_VERSION, ts, state: "offline" };
}

/**
 * The Last Will to register at CONNECT (MQTT.js `will` option): the broker publishes it, retained, on
 * the device's status topic when the connection drops without DISCONNECT. `ts` is the connect time.
 * On a clean shutdown the agent publishes the same payload itself before disconnecting.
 */
export function lastWill(
  deviceId: TDeviceId,
  ts: number = Date.now(),
): { topic: string; payload: string; qos: 0 | 1 | 2; retain: boolean } {
  return {
    topic: statusTopic(deviceId),
    payload: JSON.stringify(offlineStatus(ts)),
    qos: CHANNEL_SPECS.status.qos,
    retain: CHANNEL_SPECS.status.retain,
  };
}
