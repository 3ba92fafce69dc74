import { describe, expect, it } from "vitest";
import { deviceMayPublish, deviceMaySubscribe } from "./device-rights.ts";

describe("deviceMayPublish", () => {
  it.each(["status", "telemetry", "reported", "events"])("allows its own %s", (channel) => {
    expect(deviceMayPublish("dev-1", `fleet/v1/dev-1/${channel}`)).toBe(true);
  });

  it.each([
    "fleet/v1/dev-1/desired", // the console's topic
    "fleet/v1/dev-1/cmd/reboot",
    "fleet/v1/dev-2/status", // another device
    "fleet/v1/dev-10/telemetry",
    "fleet/v1/dev-1/status/extra",
    "fleet/v1/dev-1/+",
    "fleet/v1/+/status",
    "fleet/v1/dev-1/#",
    "fleet/v2/dev-1/status",
    "$SYS/broker/uptime",
    "fleet/v1/DEV-1/status",
    "fleet/v1/dev-1//status",
    "",
  ])("refuses %j", (topic) => {
    expect(deviceMayPublish("dev-1", topic)).toBe(false);
  });

  it("refuses anything for an invalid device id", () => {
    expect(deviceMayPublish("+", "fleet/v1/+/status")).toBe(false);
    expect(deviceMayPublish("#", "fleet/v1/#/status")).toBe(false);
    expect(deviceMayPublish("", "fleet/v1//status")).toBe(false);
    expect(deviceMayPublish(undefined as never, "fleet/v1/dev-1/status")).toBe(false);
    expect(deviceMayPublish("dev-1", undefined as never)).toBe(false);
  });
});

describe("deviceMaySubscribe", () => {
  it.each([
    "fleet/v1/dev-1/desired",
    "fleet/v1/dev-1/cmd/#",
    "fleet/v1/dev-1/cmd/+",
    "fleet/v1/dev-1/cmd/reboot",
    "fleet/v1/dev-1/cmd/model/+",
  ])("allows its own %j", (filter) => {
    expect(deviceMaySubscribe("dev-1", filter)).toBe(true);
  });

  it.each([
    "fleet/v1/+/desired", // spans other devices
    "fleet/v1/#",
    "#",
    "+/v1/dev-1/desired",
    "fleet/+/dev-1/desired",
    "fleet/v1/dev-1/#", // would include its own status, telemetry, …
    "fleet/v1/dev-1/+",
    "fleet/v1/dev-1/status",
    "fleet/v1/dev-1/telemetry",
    "fleet/v1/dev-2/desired",
    "fleet/v1/dev-2/cmd/#",
    "fleet/v1/dev-1/desired/#",
    "fleet/v1/dev-1/cmd#",
    "fleet/v1/dev-1/cmd/#/x", // invalid filter [MQTT-4.7.1-2]
    "$SYS/#",
    "",
  ])("refuses %j", (filter) => {
    expect(deviceMaySubscribe("dev-1", filter)).toBe(false);
  });

  it("refuses anything for an invalid device id", () => {
    expect(deviceMaySubscribe("+", "fleet/v1/+/desired")).toBe(false);
    expect(deviceMaySubscribe("dev-1", null as never)).toBe(false);
  });
});
