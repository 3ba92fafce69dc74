import { describe, expect, it } from "vitest";
import { formatPretty } from "./pretty.ts";

describe("formatPretty", () => {
  it("renders time, level, message and fields on one line", () => {
    const line = JSON.stringify({
      level: "warn",
      time: "2025-01-02T03:04:05.678Z",
      name: "fleet-broker",
      msg: "limit exceeded",
      clientId: "gw-1",
      err: { message: "x", code: "y" },
    });
    expect(formatPretty(line, false)).toBe(
      '03:04:05.678 WARN  limit exceeded  clientId=gw-1 err={"message":"x","code":"y"}\n',
    );
  });

  it("draws a banner entry as a box", () => {
    const line = JSON.stringify({ level: "warn", time: "t", msg: "A BB", banner: ["A", "BB"] });
    expect(formatPretty(line, false)).toBe("!!!!!!\n! A  !\n! BB !\n!!!!!!\n");
  });

  it("passes a line that is not JSON through", () => {
    expect(formatPretty("plain text", false)).toBe("plain text\n");
  });
});
