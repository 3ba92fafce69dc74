import { describe, expect, expectTypeOf, it } from "vitest";
import { PAYLOAD_CHANNELS } from "./channels.ts";
import type { TDeviceId } from "./device-id.ts";
import { ProtocolError, type TResult } from "./errors.ts";
import {
  allDevicesFilter,
  buildTopic,
  cmdTopic,
  desiredTopic,
  deviceFilter,
  devicePublishTopics,
  deviceSubscriptionFilters,
  eventsTopic,
  FLEET_FILTER,
  parseTopic,
  reportedTopic,
  statusTopic,
  telemetryTopic,
  type TParsedTopic,
} from "./topics.ts";

const id = "dev-1" as TDeviceId;

describe("topic builders", () => {
  it("spell every topic of a device", () => {
    expect(statusTopic(id)).toBe("fleet/v1/dev-1/status");
    expect(telemetryTopic(id)).toBe("fleet/v1/dev-1/telemetry");
    expect(desiredTopic(id)).toBe("fleet/v1/dev-1/desired");
    expect(reportedTopic(id)).toBe("fleet/v1/dev-1/reported");
    expect(eventsTopic(id)).toBe("fleet/v1/dev-1/events");
    expect(buildTopic(id, "events")).toBe("fleet/v1/dev-1/events");
    expect(cmdTopic(id, "reboot")).toBe("fleet/v1/dev-1/cmd/reboot");
    expect(cmdTopic(id, "model/reload")).toBe("fleet/v1/dev-1/cmd/model/reload");
    expect(devicePublishTopics(id)).toEqual([
      "fleet/v1/dev-1/status",
      "fleet/v1/dev-1/telemetry",
      "fleet/v1/dev-1/reported",
      "fleet/v1/dev-1/events",
    ]);
    expect(deviceSubscriptionFilters(id)).toEqual(["fleet/v1/dev-1/desired", "fleet/v1/dev-1/cmd/#"]);
  });

  it("spell the service filters", () => {
    expect(FLEET_FILTER).toBe("fleet/v1/#");
    expect(allDevicesFilter("telemetry")).toBe("fleet/v1/+/telemetry");
    expect(allDevicesFilter("status")).toBe("fleet/v1/+/status");
    expect(allDevicesFilter("cmd")).toBe("fleet/v1/+/cmd/#");
    expect(deviceFilter(id)).toBe("fleet/v1/dev-1/#");
  });

  it("throw a typed ProtocolError when given an invalid id or command (a programming error)", () => {
    expect(() => statusTopic("+" as TDeviceId)).toThrow(ProtocolError);
    expect(() => statusTopic("Dev" as TDeviceId)).toThrow(/lower case/);
    expect(() => deviceFilter("#" as TDeviceId)).toThrow(ProtocolError);
    expect(() => cmdTopic(id, "")).toThrow(ProtocolError);
    expect(() => cmdTopic(id, "#")).toThrow(ProtocolError);
    expect(() => cmdTopic(id, "a/b/c/d/e")).toThrow(ProtocolError);
    expect(() => buildTopic(id, "cmd" as never)).toThrow(ProtocolError);
    expect(() => allDevicesFilter("nope" as never)).toThrow(ProtocolError);
  });

  it("round-trip through parseTopic", () => {
    for (const channel of PAYLOAD_CHANNELS) {
      expect(parseTopic(buildTopic(id, channel))).toEqual({ ok: true, value: { deviceId: id, channel } });
    }
    expect(parseTopic(cmdTopic(id, "model/reload"))).toEqual({
      ok: true,
      value: { deviceId: id, channel: "cmd", rest: "model/reload" },
    });
  });
});

describe("parseTopic", () => {
  it.each([
    ["fleet/v1/+/status", "bad_topic", "wildcard"], // [MQTT-4.7.1-1]
    ["fleet/v1/dev-1/#", "bad_topic", "wildcard"],
    ["fleet/v1/dev-1/status/+", "bad_topic", "wildcard"],
    ["fleet/v1//status", "bad_topic", "empty level"],
    ["fleet/v1/dev-1/status/", "bad_topic", "empty level"],
    ["/fleet/v1/dev-1/status", "bad_topic", "empty level"],
    ["fleet/v2/dev-1/status", "bad_topic", "version"],
    ["fleet/V1/dev-1/status", "bad_topic", "version"],
    ["Fleet/v1/dev-1/status", "bad_topic", "not under"],
    ["other/v1/dev-1/status", "bad_topic", "not under"],
    ["$SYS/broker/uptime", "bad_topic", "not under"],
    ["fleet", "bad_topic", "version"],
    ["fleet/v1", "bad_topic", "is not fleet/v1/{device id}/{channel}"],
    ["fleet/v1/dev-1", "bad_topic", "is not fleet/v1/{device id}/{channel}"],
    ["fleet/v1/dev-1/Status", "bad_topic", "unknown channel"],
    ["fleet/v1/dev-1/metrics", "bad_topic", "unknown channel"],
    ["fleet/v1/dev-1/status/extra", "bad_topic", "extra levels"],
    ["fleet/v1/dev-1/cmd", "bad_topic", "command name"],
    ["fleet/v1/dev-1/cmd/Reboot", "bad_topic", "command name level"],
    ["fleet/v1/dev-1/cmd/a/b/c/d/e", "bad_topic", "more than 4"],
    ["fleet/v1/Dev-1/status", "bad_device_id", "lower case"],
    ["fleet/v1/dev_1/status", "bad_device_id", "found"],
    ["fleet/v1/-dev/status", "bad_device_id", "start with"],
    [`fleet/v1/${"a".repeat(65)}/status`, "bad_device_id", "at most 64"],
    ["fleet/v1/dev\u00001/status", "bad_device_id", "found"],
    ["", "bad_topic", "empty"],
    [`fleet/v1/dev-1/${"x".repeat(300)}`, "bad_topic", "longer than"],
  ])("refuses %j with %s", (topic, code, message) => {
    const parsed = parseTopic(topic);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toBeInstanceOf(ProtocolError);
    expect(parsed.error.code).toBe(code);
    expect(parsed.error.message).toContain(message);
  });

  it.each([undefined, null, 1, {}, [], Buffer.from("fleet/v1/dev-1/status")])("refuses the non-string %s", (topic) => {
    expect(parseTopic(topic)).toMatchObject({ ok: false, error: { code: "bad_topic" } });
  });

  it("has a typed result", () => {
    expectTypeOf(parseTopic).returns.toEqualTypeOf<TResult<TParsedTopic>>();
    const parsed = parseTopic("fleet/v1/dev-1/cmd/reboot");
    if (parsed.ok && parsed.value.channel === "cmd") expectTypeOf(parsed.value.rest).toEqualTypeOf<string>();
  });
});
