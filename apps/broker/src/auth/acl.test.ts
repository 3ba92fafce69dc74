import { describe, expect, it } from "vitest";
import { mayPublish, mayReceive, maySubscribe, reachesFleetNamespace } from "./acl.ts";
import { ANONYMOUS, type Principal } from "./principal.ts";

const device: Principal = { kind: "device", deviceId: "gw-1" };
const console_: Principal = {
  kind: "service",
  name: "console",
  publish: ["fleet/v1/+/desired"],
  subscribe: ["fleet/v1/+/reported", "$SYS/#"],
};

describe("reachesFleetNamespace", () => {
  it.each(["fleet/v1", "fleet/v1/x/desired", "#", "+/#", "+/v1/#", "fleet/+/x", "fleet/#", "+/+/gw-1/status"])(
    "%s can reach fleet/v1/...",
    (filter) => expect(reachesFleetNamespace(filter)).toBe(true),
  );
  it.each(["fleet", "fleet/v2/x", "other/#", "+/v2/#", "sensors/temp", "$SYS/#", "fleetx/v1/a"])(
    "%s cannot",
    (filter) => expect(reachesFleetNamespace(filter)).toBe(false),
  );
});

describe("anonymous (dev mode)", () => {
  it("has no rights inside fleet/v1/... and none in $SYS", () => {
    expect(mayPublish(ANONYMOUS, "fleet/v1/gw-1/status")).toBe(false);
    expect(maySubscribe(ANONYMOUS, "fleet/v1/x/desired")).toBe(false);
    expect(maySubscribe(ANONYMOUS, "#")).toBe(false);
    expect(mayPublish(ANONYMOUS, "$SYS/broker/x")).toBe(false);
    expect(maySubscribe(ANONYMOUS, "$SYS/#")).toBe(false);
    expect(mayReceive(ANONYMOUS, "fleet/v1/gw-1/desired")).toBe(false);
  });
  it("may use other topics", () => {
    expect(mayPublish(ANONYMOUS, "lab/temp")).toBe(true);
    expect(maySubscribe(ANONYMOUS, "lab/#")).toBe(true);
    expect(mayReceive(ANONYMOUS, "lab/temp")).toBe(true);
  });
});

describe("device", () => {
  it("publishes and subscribes only on its own topics (rules of @fleet/protocol)", () => {
    expect(mayPublish(device, "fleet/v1/gw-1/telemetry")).toBe(true);
    expect(mayPublish(device, "fleet/v1/gw-2/telemetry")).toBe(false);
    expect(mayPublish(device, "fleet/v1/gw-1/desired")).toBe(false);
    expect(maySubscribe(device, "fleet/v1/gw-1/desired")).toBe(true);
    expect(maySubscribe(device, "fleet/v1/+/desired")).toBe(false);
    expect(maySubscribe(device, "lab/#")).toBe(false);
    expect(mayReceive(device, "fleet/v1/gw-2/desired")).toBe(false);
  });
});

describe("service", () => {
  it("has its listed rights and can read but never write $SYS", () => {
    expect(mayPublish(console_, "fleet/v1/gw-1/desired")).toBe(true);
    expect(mayPublish(console_, "fleet/v1/gw-1/status")).toBe(false);
    expect(maySubscribe(console_, "fleet/v1/+/reported")).toBe(true);
    expect(maySubscribe(console_, "fleet/v1/#")).toBe(false); // wider than what was listed
    expect(maySubscribe(console_, "$SYS/broker/clients")).toBe(true);
    expect(mayPublish({ ...console_, publish: ["#", "$SYS/#"] }, "$SYS/x")).toBe(false);
  });
});
