import { describe, expect, it } from "vitest";
import { MAX_EVENT_DATA_KEYS, MAX_EVENT_MESSAGE_LENGTH, MAX_EVENTS_PER_BATCH } from "../limits.ts";
import { events, TS } from "../testing/fixtures.ts";
import { issuePaths, mutate } from "../testing/issues.ts";
import { ZEventsPayload, type TEventsPayload } from "./events.ts";

const logLine = { ts: TS, kind: "log", level: "debug", message: "" } as const;

describe("ZEventsPayload", () => {
  it("accepts inference events, anomalies and log lines", () => {
    expect(issuePaths(ZEventsPayload, events())).toEqual([]);
    const anomaly = {
      ts: TS,
      kind: "anomaly",
      level: "error",
      message: "latency spike",
      data: { p99: 900, ok: false, note: null },
    };
    expect(issuePaths(ZEventsPayload, { ...events(), events: [anomaly, logLine] })).toEqual([]);
  });

  it("bounds the batch, the message and the data", () => {
    expect(issuePaths(ZEventsPayload, { ...events(), events: [] })).toEqual(["events"]);
    expect(issuePaths(ZEventsPayload, { ...events(), events: Array(MAX_EVENTS_PER_BATCH + 1).fill(logLine) })).toEqual([
      "events",
    ]);
    const long = { ...logLine, message: "x".repeat(MAX_EVENT_MESSAGE_LENGTH + 1) };
    expect(issuePaths(ZEventsPayload, { ...events(), events: [long] })).toEqual(["events.0.message"]);
    const wide = {
      ...logLine,
      data: Object.fromEntries(Array.from({ length: MAX_EVENT_DATA_KEYS + 1 }, (_, i) => [`k${i}`, i])),
    };
    expect(issuePaths(ZEventsPayload, { ...events(), events: [wide] })).toEqual(["events.0.data"]);
  });

  it.each<[string, (e: TEventsPayload) => void]>([
    ["events.0.kind", (e) => Object.assign(e.events[0]!, { kind: "metric" })],
    ["events.0.level", (e) => Object.assign(e.events[0]!, { level: "fatal" })],
    ["events.0.message", (e) => Object.assign(e.events[0]!, { message: "a\u0000b" })],
    ["events.0.data", (e) => Object.assign(e.events[0]!, { data: [1, 2] })],
    ["events.0.data.nested", (e) => Object.assign(e.events[0]!, { data: { nested: { deeper: 1 } } })],
    ["events.0.data.scores", (e) => Object.assign(e.events[0]!, { data: { scores: [[1]] } })],
    ["events.0.data.scores", (e) => Object.assign(e.events[0]!, { data: { scores: Array(65).fill(0) } })],
    ["events.0.data.bad key", (e) => Object.assign(e.events[0]!, { data: { "bad key": 1 } })],
    ["events.0.data._private", (e) => Object.assign(e.events[0]!, { data: { _private: 1 } })],
  ])("names the wrong field %s", (path, change) => {
    expect(issuePaths(ZEventsPayload, mutate(events(), change))).toEqual([path]);
  });
});
