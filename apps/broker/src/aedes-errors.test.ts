import { describe, expect, it } from "vitest";
import { classifyClientError } from "./aedes-errors.ts";
import { LimitError } from "./limits/limit-error.ts";

describe("classifyClientError", () => {
  it("keeps a LimitError we raised as it is", () => {
    const breach = new LimitError("publish_rate", "publish rate above 5/s");
    expect(classifyClientError(breach)).toEqual({ kind: "limit", breach });
  });

  it.each([
    ["topic has too many levels", "topic_levels"],
    ["connect did not arrive in time", "connect_timeout"],
    ["keep alive timeout", "keepalive_timeout"],
    ["drain timeout", "slow_consumer"],
    ["Client queue limit reached", "pre_connect_queue"],
  ])("reads aedes' %j as the %s limit", (message, limit) => {
    const result = classifyClientError(new Error(message));
    expect(result.kind).toBe("limit");
    expect(result.kind === "limit" && result.breach).toMatchObject({ limit, code: "limit_exceeded", message });
  });

  it("reads a refused CONNECT from aedes' errorCode", () => {
    const refused = Object.assign(new Error("Not authorized"), { errorCode: 5 });
    expect(classifyClientError(refused)).toEqual({ kind: "connect_refused", returnCode: 5 });
  });

  it("leaves every other error, including near misses of the table, as other", () => {
    for (const message of ["connection closed", "Invalid protocol", "topic has too many levels!", "drain"]) {
      expect(classifyClientError(new Error(message))).toEqual({ kind: "other" });
    }
  });
});
