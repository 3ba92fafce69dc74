// Simulator credentials: CSV and JSON round trips, and a bad entry named.
import { describe, expect, it } from "vitest";
import { generateCredentials, parseCredentials } from "./credentials.ts";

describe("simulator credentials", () => {
  it("round-trips generated credentials through CSV and JSON and names a bad entry", () => {
    const creds = generateCredentials(3, "sim");
    const csv = `deviceId,secret\n${creds.map((c) => `${c.deviceId},${c.secret}`).join("\n")}`;
    expect(parseCredentials(csv, "x.csv")).toEqual(creds);
    expect(parseCredentials(JSON.stringify(creds), "x.json")).toEqual(creds);
    expect(() =>
      parseCredentials(JSON.stringify([{ deviceId: "Bad/Id", secret: "0123456789abcdef" }]), "x.json"),
    ).toThrow(/entry 0: deviceId/);
    expect(() => parseCredentials("id,secret\n", "x.csv")).toThrow(/header/);
  });
});
