import { describe, expect, expectTypeOf, it } from "vitest";
import * as protocol from "./index.ts";
import {
  decodeMessage,
  decodePayload,
  encodePayload,
  PAYLOAD_CHANNELS,
  PAYLOAD_SCHEMAS,
  type ProtocolError,
  type TDeviceId,
  type TPayloadByChannel,
  type TPayloadChannel,
  type TReportedPayload,
  type TResult,
  type TStatusPayload,
  type TTelemetryPayload,
} from "./index.ts";

describe("public API", () => {
  it("exports a schema for every payload channel", () => {
    expect(Object.keys(PAYLOAD_SCHEMAS).sort()).toEqual([...PAYLOAD_CHANNELS].sort());
    expectTypeOf<keyof TPayloadByChannel>().toEqualTypeOf<TPayloadChannel>();
    for (const name of [
      "ZStatusPayload",
      "ZTelemetryPayload",
      "ZDesiredPayload",
      "ZReportedPayload",
      "ZEventsPayload",
      "ZDeviceId",
    ]) {
      expect(protocol).toHaveProperty(name);
    }
  });

  it("types decode results by channel", () => {
    expectTypeOf(decodePayload("telemetry", "{}")).toEqualTypeOf<TResult<TTelemetryPayload>>();
    expectTypeOf(decodePayload("status", new Uint8Array())).toEqualTypeOf<TResult<TStatusPayload, ProtocolError>>();
    const decoded = decodeMessage("fleet/v1/dev-1/reported", "{}");
    if (decoded.ok && decoded.value.channel === "reported") {
      expectTypeOf(decoded.value.payload).toEqualTypeOf<TReportedPayload>();
      expectTypeOf(decoded.value.deviceId).toEqualTypeOf<TDeviceId>();
    }
  });

  it("checks encode input against the channel at compile time", () => {
    expectTypeOf(encodePayload).parameter(0).toEqualTypeOf<TPayloadChannel>();
    expectTypeOf(encodePayload<"reported">)
      .parameter(1)
      .toEqualTypeOf<TReportedPayload>();
    const batch: TTelemetryPayload = { v: 1, ts: 1_700_000_000_000, samples: [] };
    // @ts-expect-error a telemetry payload is not a status payload
    expect(encodePayload("status", batch).ok).toBe(false);
  });
});
