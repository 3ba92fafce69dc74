// The channel table (docs/architecture.md, "MQTT namespace"): QoS, retain, and who publishes each channel.
import { describe, expect, it } from "vitest";
import {
  CHANNEL_SPECS,
  CHANNELS,
  DEVICE_PUBLISH_CHANNELS,
  DEVICE_SUBSCRIBE_CHANNELS,
  PAYLOAD_CHANNELS,
  publishOptions,
  TOPIC_ROOT,
} from "./channels.ts";

describe("channels", () => {
  it("match the design: QoS 1 everywhere, status/desired/reported retained", () => {
    expect(TOPIC_ROOT).toBe("fleet/v1");
    expect(CHANNELS).toEqual(["status", "telemetry", "desired", "reported", "events", "cmd"]);
    expect(PAYLOAD_CHANNELS).toEqual(["status", "telemetry", "desired", "reported", "events"]);
    for (const channel of CHANNELS) expect(CHANNEL_SPECS[channel].qos).toBe(1);
    const retained = CHANNELS.filter((channel) => CHANNEL_SPECS[channel].retain);
    expect(retained).toEqual(["status", "desired", "reported"]);
    expect(publishOptions("status")).toEqual({ qos: 1, retain: true });
    expect(publishOptions("telemetry")).toEqual({ qos: 1, retain: false });
    expect(publishOptions("cmd")).toEqual({ qos: 1, retain: false });
  });

  it("say who publishes each channel", () => {
    expect(DEVICE_PUBLISH_CHANNELS).toEqual(["status", "telemetry", "reported", "events"]);
    expect(DEVICE_SUBSCRIBE_CHANNELS).toEqual(["desired", "cmd"]);
    for (const channel of DEVICE_PUBLISH_CHANNELS) expect(CHANNEL_SPECS[channel].publishedBy).toBe("device");
    for (const channel of DEVICE_SUBSCRIBE_CHANNELS) expect(CHANNEL_SPECS[channel].publishedBy).toBe("service");
  });
});
