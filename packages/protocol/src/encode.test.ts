import { describe, expect, it } from "vitest";
import { decodePayload } from "./decode.ts";
import { encodePayload } from "./encode.ts";
import { MAX_EVENT_MESSAGE_LENGTH, MAX_EVENTS_PER_BATCH } from "./limits.ts";
import type { TEventsPayload } from "./schemas/events.ts";
import type { TReportedPayload } from "./schemas/reported.ts";
import { desired, events, offlineStatus, onlineStatus, reported, telemetry, TS } from "./testing/fixtures.ts";

describe("encodePayload", () => {
  it("round-trips every channel through decodePayload", () => {
    const cases = [
      ["status", onlineStatus()],
      ["status", offlineStatus()],
      ["telemetry", telemetry()],
      ["desired", desired()],
      ["desired", { ...desired(), variant: null }],
      ["reported", reported()],
      ["events", events()],
    ] as const;
    for (const [channel, value] of cases) {
      const encoded = encodePayload(channel, value);
      if (!encoded.ok) throw encoded.error;
      expect(typeof encoded.value).toBe("string");
      expect(decodePayload(channel, encoded.value)).toEqual({ ok: true, value });
      expect(decodePayload(channel, Buffer.from(encoded.value))).toEqual({ ok: true, value });
    }
  });

  it("validates before serializing and names the wrong field", () => {
    const bad = telemetry();
    bad.samples[0]!.cpuPct = 250;
    const encoded = encodePayload("telemetry", bad);
    expect(encoded.ok).toBe(false);
    expect(!encoded.ok && encoded.error.code).toBe("invalid");
    expect(!encoded.ok && encoded.error.path).toBe("samples.0.cpuPct");
  });

  it("refuses unknown keys, so a typo in our own code fails here and not silently on the other side", () => {
    const typo = { ...reported(), progres: 0.5 } as TReportedPayload;
    const encoded = encodePayload("reported", typo);
    expect(!encoded.ok && encoded.error.path).toBe("progres");
    const nested = telemetry();
    Object.assign(nested.samples[0]!.latencyMs, { p90: 3 });
    expect(encodePayload("telemetry", nested)).toMatchObject({
      ok: false,
      error: { code: "invalid", path: "samples.0.latencyMs.p90" },
    });
  });

  it("omits optional keys set to undefined", () => {
    const report = { ...reported(), progress: undefined } as unknown as TReportedPayload;
    const encoded = encodePayload("reported", report);
    expect(encoded.ok && JSON.parse(encoded.value)).not.toHaveProperty("progress");
  });

  it("refuses a payload over MAX_PAYLOAD_BYTES: send smaller batches", () => {
    const message = "é".repeat(MAX_EVENT_MESSAGE_LENGTH);
    const big: TEventsPayload = {
      v: 1,
      ts: TS,
      events: Array.from({ length: MAX_EVENTS_PER_BATCH }, () => ({ ts: TS, kind: "log", level: "info", message })),
    };
    const encoded = encodePayload("events", big);
    expect(!encoded.ok && encoded.error.code).toBe("too_large");
    expect(encodePayload("events", { ...big, events: big.events.slice(0, 20) }).ok).toBe(true);
  });

  it("never throws on hostile values", () => {
    const throwing = {
      get v(): 1 {
        throw new Error("boom");
      },
    };
    const cyclic: Record<string, unknown> = { ...reported() };
    cyclic.self = cyclic;
    for (const value of [throwing, cyclic, null, undefined, 1n, [], Object.create(null)]) {
      const encoded = encodePayload("reported", value as never);
      expect(encoded.ok).toBe(false);
      expect(!encoded.ok && encoded.error.code).toBe("invalid");
    }
    expect(encodePayload("nope" as never, reported() as never)).toMatchObject({
      ok: false,
      error: { code: "bad_channel" },
    });
  });
});
