import { describe, expect, it } from "vitest";
import { findReadyLine, formatReadyLine, parseReadyLine, printReadyLine } from "./ready-line.ts";

describe("ready line", () => {
  it("is one JSON line with the bin, its pid and its URLs; switched-off listeners are left out", () => {
    const line = formatReadyLine("fleet-broker", { mqtt: "mqtt://127.0.0.1:1883", ws: null });
    expect(JSON.parse(line)).toEqual({
      ready: "fleet-broker",
      pid: process.pid,
      urls: { mqtt: "mqtt://127.0.0.1:1883" },
    });
    expect(line).not.toContain("\n");
  });

  it("masks a password in a URL", () => {
    const line = formatReadyLine("fleet-agent", { broker: "mqtt://gw-1:device-secret@127.0.0.1:1883" });
    expect(parseReadyLine(line)?.urls.broker).toBe("mqtt://gw-1:[redacted]@127.0.0.1:1883");
  });

  it("round-trips through print and parse", () => {
    let printed = "";
    printReadyLine(
      "fleet-db",
      { database: "postgresql://postgres@127.0.0.1:5/postgres" },
      { write: (t) => (printed += t) },
    );
    expect(printed.endsWith("}\n")).toBe(true);
    expect(parseReadyLine(printed)).toEqual({
      ready: "fleet-db",
      pid: process.pid,
      urls: { database: "postgresql://postgres@127.0.0.1:5/postgres" },
    });
  });

  it.each([
    "fleet-broker: mqtt://127.0.0.1:1883",
    '{"level":"info","msg":"ready"}',
    '{"ready":"fleet-broker"',
    '{"ready":"broker","pid":1,"urls":{}}',
    '{"ready":"fleet-broker","pid":-1,"urls":{}}',
    '{"ready":"fleet-broker","pid":1,"urls":{"mqtt":1883}}',
  ])("is not read from %j", (line) => {
    expect(parseReadyLine(line)).toBeNull();
  });

  it("is found among other output lines, by bin name", () => {
    const output = [
      "fleet-broker: mqtt://127.0.0.1:1883",
      formatReadyLine("fleet-broker", { mqtt: "mqtt://127.0.0.1:1883" }),
      '{"level":"info","msg":"broker started"}',
    ].join("\n");
    expect(findReadyLine(output, "fleet-broker")?.urls.mqtt).toBe("mqtt://127.0.0.1:1883");
    expect(findReadyLine(output, "fleet-console")).toBeNull();
  });
});
