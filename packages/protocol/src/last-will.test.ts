import { describe, expect, it } from "vitest";
import { decodeMessage } from "./decode.ts";
import type { TDeviceId } from "./device-id.ts";
import { lastWill } from "./last-will.ts";

describe("lastWill", () => {
  it("is a retained QoS 1 offline status on the device's own status topic", () => {
    const will = lastWill("dev-1" as TDeviceId, 1_700_000_000_000);
    expect(will).toMatchObject({ topic: "fleet/v1/dev-1/status", qos: 1, retain: true });
    expect(decodeMessage(will.topic, will.payload)).toEqual({
      ok: true,
      value: { deviceId: "dev-1", channel: "status", payload: { v: 1, ts: 1_700_000_000_000, state: "offline" } },
    });
  });

  it("defaults ts to now", () => {
    const before = Date.now();
    const { payload } = lastWill("dev-1" as TDeviceId);
    expect(JSON.parse(payload).ts).toBeGreaterThanOrEqual(before);
  });
});
