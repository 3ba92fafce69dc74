import { describe, expect, it } from "vitest";
import { decodeMessage, decodePayload } from "./decode.ts";
import { ProtocolError } from "./errors.ts";
import { MAX_PAYLOAD_BYTES } from "./limits.ts";
import { desired, events, onlineStatus, reported, telemetry, TS } from "./testing/fixtures.ts";

const json = (value: unknown): string => JSON.stringify(value);
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

function errorOf(result: { ok: boolean; error?: ProtocolError }): ProtocolError {
  expect(result.ok).toBe(false);
  if (!(result.error instanceof ProtocolError)) throw new Error("expected a ProtocolError");
  return result.error;
}

describe("decodePayload", () => {
  it("decodes every channel from a Buffer, a Uint8Array or a string", () => {
    const cases = [
      ["status", onlineStatus()],
      ["telemetry", telemetry()],
      ["desired", desired()],
      ["reported", reported()],
      ["events", events()],
    ] as const;
    for (const [channel, value] of cases) {
      expect(decodePayload(channel, json(value))).toEqual({ ok: true, value });
      expect(decodePayload(channel, Buffer.from(json(value)))).toEqual({ ok: true, value });
      expect(decodePayload(channel, new TextEncoder().encode(json(value)))).toEqual({ ok: true, value });
    }
  });

  it("reports the path of the wrong field", () => {
    const payload = telemetry();
    payload.samples[0]!.latencyMs.p95 = 1;
    const error = errorOf(decodePayload("telemetry", json(payload)));
    expect(error.code).toBe("invalid");
    expect(error.path).toBe("samples.0.latencyMs.p95");
    expect(error.message).toContain("samples.0.latencyMs.p95");
    expect(error.issues).toEqual([{ path: "samples.0.latencyMs.p95", message: "p95 must be >= p50" }]);
    expect(error.toJSON()).toEqual({ code: "invalid", message: error.message, path: "samples.0.latencyMs.p95" });
  });

  it("refuses a newer schema version", () => {
    expect(errorOf(decodePayload("status", json({ ...onlineStatus(), v: 2 }))).path).toBe("v");
  });

  describe("size limit", () => {
    const padded = (length: number) => json(telemetry()).padEnd(length, " ");

    it("accepts exactly MAX_PAYLOAD_BYTES", () => {
      expect(decodePayload("telemetry", padded(MAX_PAYLOAD_BYTES)).ok).toBe(true);
      expect(decodePayload("telemetry", Buffer.from(padded(MAX_PAYLOAD_BYTES))).ok).toBe(true);
    });

    it("refuses one byte more, before parsing", () => {
      expect(errorOf(decodePayload("telemetry", padded(MAX_PAYLOAD_BYTES + 1))).code).toBe("too_large");
      expect(errorOf(decodePayload("telemetry", Buffer.from(padded(MAX_PAYLOAD_BYTES + 1)))).code).toBe("too_large");
      expect(errorOf(decodePayload("telemetry", Buffer.alloc(10 * MAX_PAYLOAD_BYTES))).code).toBe("too_large");
    });

    it("counts UTF-8 bytes, not characters, for strings", () => {
      const wide = `"${"é".repeat(MAX_PAYLOAD_BYTES / 2)}"`; // fewer characters than bytes
      expect(wide.length).toBeLessThan(MAX_PAYLOAD_BYTES);
      expect(errorOf(decodePayload("events", wide)).code).toBe("too_large");
    });
  });

  describe("hostile bytes", () => {
    it.each([
      ["a lone 0xff", bytes(0xff)],
      ["an overlong '/'", bytes(0xc0, 0xaf)],
      ["a truncated sequence", bytes(0x7b, 0xe2, 0x82)],
      ["an encoded surrogate", bytes(0x22, 0xed, 0xa0, 0x80, 0x22)],
      ["Latin-1 inside JSON", Buffer.concat([Buffer.from('{"v":1,"m":"'), bytes(0xe9), Buffer.from('"}')])],
    ])("refuses %s as not_utf8", (_name, payload) => {
      expect(errorOf(decodePayload("events", payload)).code).toBe("not_utf8");
    });

    it("refuses a string with an unpaired surrogate as not_utf8", () => {
      expect(errorOf(decodePayload("events", '{"m":"\ud800"}')).code).toBe("not_utf8");
    });

    it("ignores a UTF-8 byte order mark", () => {
      const withBom = Buffer.concat([bytes(0xef, 0xbb, 0xbf), Buffer.from(json(reported()))]);
      expect(decodePayload("reported", withBom)).toEqual({ ok: true, value: reported() });
      expect(decodePayload("reported", `\uFEFF${json(reported())}`)).toEqual({ ok: true, value: reported() });
    });

    it("calls a zero-length payload empty (a cleared retained message)", () => {
      expect(errorOf(decodePayload("desired", "")).code).toBe("empty");
      expect(errorOf(decodePayload("desired", Buffer.alloc(0))).code).toBe("empty");
      expect(errorOf(decodePayload("desired", bytes(0xef, 0xbb, 0xbf))).code).toBe("empty");
    });

    it.each(["{", "   ", "NaN", "Infinity", "undefined", "{'v':1}", '{"v":1,}', "[1,]", "0x10", "\u0000", "{}{}"])(
      "refuses %j as not_json",
      (text) => {
        const error = errorOf(decodePayload("status", text));
        expect(error.code).toBe("not_json");
        expect(error.message).toBe("status payload is not valid JSON");
      },
    );

    it("survives deep nesting", () => {
      const depth = 100_000;
      expect(errorOf(decodePayload("status", "[".repeat(depth) + "]".repeat(depth))).code).toBe("invalid");
      expect(errorOf(decodePayload("status", "[".repeat(depth))).code).toBe("not_json");
      const deepData = `{"v":1,"ts":${TS},"events":[{"ts":${TS},"kind":"log","level":"info","message":"m","data":{"a":${"[".repeat(depth)}${"]".repeat(depth)}}}]}`;
      expect(errorOf(decodePayload("events", deepData)).path).toBe("events.0.data.a");
    });

    it("does not let __proto__ or constructor keys pollute anything", () => {
      const hostile = `{"__proto__":{"polluted":1,"v":2},"constructor":{"prototype":{"polluted":1}},${json(reported()).slice(1)}`;
      const result = decodePayload("reported", hostile);
      expect(result).toEqual({ ok: true, value: reported() });
      if (!result.ok) return;
      expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
      expect(Object.hasOwn(result.value, "__proto__")).toBe(false);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();

      const inData = `{"v":1,"ts":${TS},"events":[{"ts":${TS},"kind":"log","level":"info","message":"m","data":{"__proto__":{"polluted":1},"ok":1}}]}`;
      const decoded = decodePayload("events", inData);
      expect(decoded.ok && decoded.value.events[0]?.data).toEqual({ ok: 1 });
      expect(decoded.ok && Object.getPrototypeOf(decoded.value.events[0]?.data)).toBe(Object.prototype);
    });

    it.each([
      ["an array for the payload", "status", "[]", ""],
      ["null", "status", "null", ""],
      ["a number", "status", "42", ""],
      ["a string", "status", '"online"', ""],
      ["a huge number", "status", json(onlineStatus()).replace(`"ts":${TS}`, '"ts":1e400'), "ts"],
      ["a huge integer", "status", json(onlineStatus()).replace(`"ts":${TS}`, `"ts":${"9".repeat(400)}`), "ts"],
      ["a NaN-like string", "status", json(onlineStatus()).replace('"cores":4', '"cores":"NaN"'), "hardware.cores"],
      [
        "an array for an object",
        "status",
        json(onlineStatus()).replace(/"hardware":\{[^}]*\}/, '"hardware":[]'),
        "hardware",
      ],
      [
        "an object for an array",
        "telemetry",
        json(telemetry()).replace(/"samples":\[.*\]/, '"samples":{"0":{}}'),
        "samples",
      ],
      ["a duplicate key (last wins)", "status", json(onlineStatus()).replace('"v":1', '"v":1,"v":"1"'), "v"],
    ] as const)("refuses %s with a path", (_name, channel, text, path) => {
      const error = errorOf(decodePayload(channel, text));
      expect(error.code).toBe("invalid");
      expect(error.path).toBe(path);
    });

    it("refuses payloads that are neither bytes nor strings, and unknown channels", () => {
      expect(errorOf(decodePayload("status", 42 as never)).code).toBe("invalid");
      expect(errorOf(decodePayload("status", null as never)).code).toBe("invalid");
      expect(errorOf(decodePayload("status", { v: 1 } as never)).code).toBe("invalid");
      expect(errorOf(decodePayload("cmd" as never, "{}")).code).toBe("bad_channel");
      expect(errorOf(decodePayload("__proto__" as never, "{}")).code).toBe("bad_channel");
    });
  });
});

describe("decodeMessage", () => {
  it("parses the topic, then the payload with that channel's schema", () => {
    const result = decodeMessage("fleet/v1/gw-7/telemetry", Buffer.from(json(telemetry())));
    expect(result).toEqual({ ok: true, value: { deviceId: "gw-7", channel: "telemetry", payload: telemetry() } });
  });

  it("uses the topic's schema, not whatever the payload looks like", () => {
    const error = errorOf(decodeMessage("fleet/v1/gw-7/desired", json(telemetry())));
    expect(error.code).toBe("invalid");
  });

  it("refuses bad topics, bad ids and the reserved cmd subtree", () => {
    expect(errorOf(decodeMessage("fleet/v1/+/telemetry", json(telemetry()))).code).toBe("bad_topic");
    expect(errorOf(decodeMessage("fleet/v1/GW/telemetry", json(telemetry()))).code).toBe("bad_device_id");
    expect(errorOf(decodeMessage("fleet/v1/gw-7/cmd/reboot", "{}")).code).toBe("bad_channel");
    expect(errorOf(decodeMessage(undefined, "{}")).code).toBe("bad_topic");
  });

  it("checks the payload size even for a good topic", () => {
    expect(errorOf(decodeMessage("fleet/v1/gw-7/events", Buffer.alloc(MAX_PAYLOAD_BYTES + 1))).code).toBe("too_large");
  });
});

describe("fuzz", () => {
  it("never throws on corrupted payloads or topics", () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const sources = [onlineStatus(), telemetry(), desired(), reported(), events()].map((value) =>
      Buffer.from(json(value)),
    );
    const topics = ["status", "telemetry", "desired", "reported", "events", "cmd/x"].map((c) => `fleet/v1/dev-1/${c}`);
    for (let i = 0; i < 3000; i++) {
      const payload = Buffer.from(sources[random(sources.length)]!);
      for (let flips = 1 + random(4); flips > 0; flips--) payload[random(payload.length)] = random(256);
      const topic = Buffer.from(topics[random(topics.length)]!);
      if (random(3) === 0) topic[random(topic.length)] = random(128);
      const result = decodeMessage(topic.toString("latin1"), payload);
      if (!result.ok) expect(result.error).toBeInstanceOf(ProtocolError);
    }
  });
});
