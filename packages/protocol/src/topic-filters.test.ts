import { describe, expect, it } from "vitest";
import { filterCovers, isValidTopicFilter, isValidTopicName, topicMatches } from "./topic-filters.ts";

describe("topic names and filters", () => {
  it("need at least one character [MQTT-4.7.3-1]", () => {
    expect(isValidTopicName("")).toBe(false);
    expect(isValidTopicFilter("")).toBe(false);
    expect(isValidTopicName("/")).toBe(true);
  });

  it("refuse the null character [MQTT-4.7.3-2]", () => {
    expect(isValidTopicName("a\u0000b")).toBe(false);
    expect(isValidTopicFilter("a/\u0000/#")).toBe(false);
  });

  it("are at most 65535 bytes of UTF-8 [MQTT-4.7.3-3]", () => {
    expect(isValidTopicName("a".repeat(65_535))).toBe(true);
    expect(isValidTopicName("a".repeat(65_536))).toBe(false);
    expect(isValidTopicName("é".repeat(32_768))).toBe(false); // 65536 bytes
  });

  it("refuse unpaired surrogates, which have no UTF-8 form [MQTT-1.5.3-1]", () => {
    expect(isValidTopicName("a/\ud800")).toBe(false);
    expect(isValidTopicName("a/\udc00b")).toBe(false);
    expect(isValidTopicName("a/😀")).toBe(true);
  });

  it("refuse wildcards in topic names [MQTT-4.7.1-1] [MQTT-3.3.2-2]", () => {
    expect(isValidTopicName("a/+/b")).toBe(false);
    expect(isValidTopicName("a/#")).toBe(false);
    expect(isValidTopicName("a+b")).toBe(false);
  });

  it("allow # only alone as the last level [MQTT-4.7.1-2]", () => {
    expect(isValidTopicFilter("#")).toBe(true);
    expect(isValidTopicFilter("sport/tennis/#")).toBe(true);
    expect(isValidTopicFilter("sport/tennis#")).toBe(false);
    expect(isValidTopicFilter("sport/tennis/#/ranking")).toBe(false);
    expect(isValidTopicFilter("#/")).toBe(false);
  });

  it("allow + only as a whole level [MQTT-4.7.1-3]", () => {
    expect(isValidTopicFilter("+")).toBe(true);
    expect(isValidTopicFilter("+/tennis/#")).toBe(true);
    expect(isValidTopicFilter("sport/+/player1")).toBe(true);
    expect(isValidTopicFilter("sport+")).toBe(false);
    expect(isValidTopicFilter("sport/+x")).toBe(false);
  });

  it("refuse non-strings without throwing", () => {
    for (const value of [undefined, null, 1, {}, ["a"]]) {
      expect(isValidTopicName(value)).toBe(false);
      expect(isValidTopicFilter(value)).toBe(false);
    }
  });
});

describe("topicMatches", () => {
  it("# matches the parent and any number of child levels [MQTT-4.7.1-2]", () => {
    expect(topicMatches("sport/tennis/player1/#", "sport/tennis/player1")).toBe(true);
    expect(topicMatches("sport/tennis/player1/#", "sport/tennis/player1/ranking")).toBe(true);
    expect(topicMatches("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon")).toBe(true);
    expect(topicMatches("sport/#", "sport")).toBe(true);
    expect(topicMatches("#", "sport/tennis")).toBe(true);
    expect(topicMatches("sport/tennis/player1/#", "sport/tennis/player2")).toBe(false);
  });

  it("+ matches exactly one level, possibly empty [MQTT-4.7.1-3]", () => {
    expect(topicMatches("sport/tennis/+", "sport/tennis/player1")).toBe(true);
    expect(topicMatches("sport/tennis/+", "sport/tennis/player1/ranking")).toBe(false);
    expect(topicMatches("sport/+", "sport")).toBe(false);
    expect(topicMatches("sport/+", "sport/")).toBe(true);
    expect(topicMatches("+/+", "/finance")).toBe(true);
    expect(topicMatches("/+", "/finance")).toBe(true);
    expect(topicMatches("+", "/finance")).toBe(false);
    expect(topicMatches("fleet/v1/+/telemetry", "fleet/v1/dev-1/telemetry")).toBe(true);
    expect(topicMatches("fleet/v1/+/telemetry", "fleet/v1/dev-1/status")).toBe(false);
  });

  it("does not match $ topics with a leading wildcard [MQTT-4.7.2-1]", () => {
    expect(topicMatches("#", "$SYS/broker/clients")).toBe(false);
    expect(topicMatches("+/monitor/Clients", "$SYS/monitor/Clients")).toBe(false);
    expect(topicMatches("$SYS/#", "$SYS/monitor/Clients")).toBe(true);
    expect(topicMatches("$SYS/monitor/+", "$SYS/monitor/Clients")).toBe(true);
  });

  it("is case sensitive and exact per level [MQTT-4.7.3-4]", () => {
    expect(topicMatches("ACCOUNTS", "Accounts")).toBe(false);
    expect(topicMatches("a/b", "a/b/")).toBe(false);
    expect(topicMatches("a b/c", "a b/c")).toBe(true);
  });

  it("gives false, never throws, on invalid filters or topics", () => {
    expect(topicMatches("sport/tennis#", "sport/tennis#")).toBe(false);
    expect(topicMatches("a/#/b", "a/x/b")).toBe(false);
    expect(topicMatches("#", "a/+")).toBe(false);
    expect(topicMatches("", "")).toBe(false);
    expect(topicMatches(undefined as never, null as never)).toBe(false);
  });
});

describe("filterCovers", () => {
  it.each([
    ["fleet/v1/+/telemetry", "fleet/v1/dev-1/telemetry", true],
    ["fleet/v1/+/telemetry", "fleet/v1/+/telemetry", true],
    ["fleet/v1/+/telemetry", "fleet/v1/#", false],
    ["fleet/v1/+/telemetry", "fleet/v1/+/+", false],
    ["fleet/v1/#", "fleet/v1/+/telemetry", true],
    ["fleet/v1/#", "fleet/v1", true], // # also matches the parent level [MQTT-4.7.1-2]
    ["fleet/v1/#", "fleet/#", false],
    ["a/+", "a/#", false], // a/# also matches "a"
    ["a/#", "a/#", true],
    ["a/b", "a/b/c", false],
    ["a/b/c", "a/b", false],
    ["#", "anything/at/all", true],
    ["#", "$SYS/#", false], // [MQTT-4.7.2-1]
    ["+/#", "$SYS/broker", false], // [MQTT-4.7.2-1]
    ["#", "+/x", true],
    ["$SYS/#", "$SYS/broker/+", true],
    ["a/#/b", "a/x/b", false],
    ["a/b", "a/b#", false],
  ])("%j covers %j: %s", (outer, inner, expected) => {
    expect(filterCovers(outer, inner)).toBe(expected);
  });

  it("agrees with topicMatches on concrete topics", () => {
    const filters = ["#", "+", "a/#", "a/+", "a/+/c", "+/b/#", "a/b", "$SYS/#", "+/+"];
    const topics = ["a", "a/b", "a/b/c", "x/b/c", "$SYS/a", "/b", "a/"];
    for (const outer of filters) {
      for (const topic of topics) {
        if (filterCovers(outer, topic)) expect(topicMatches(outer, topic)).toBe(true);
        expect(filterCovers(outer, topic)).toBe(topicMatches(outer, topic));
      }
    }
  });
});
