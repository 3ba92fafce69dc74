import { describe, expect, it } from "vitest";
import { csrfProblem, isSecureRequest } from "./csrf.ts";

const post = (headers: Record<string, string>) =>
  new Request("http://console.test/api/trpc/x", { method: "POST", headers });

describe("csrfProblem", () => {
  it("lets safe methods through and requires the custom header on POST", () => {
    expect(csrfProblem(new Request("http://console.test/api/trpc/x"))).toBeNull();
    expect(csrfProblem(post({ host: "console.test" }))).toBe("Missing x-fleet-csrf header.");
    expect(csrfProblem(post({ host: "console.test", "x-fleet-csrf": "1" }))).toBeNull();
  });

  it("refuses a foreign or malformed Origin, accepts our host and the public URL", () => {
    const base = { host: "console.test", "x-fleet-csrf": "1" };
    expect(csrfProblem(post({ ...base, origin: "https://evil.example" }))).toBe("Cross-origin request refused.");
    expect(csrfProblem(post({ ...base, origin: "null" }))).toBe("Cross-origin request refused.");
    expect(csrfProblem(post({ ...base, origin: "http://console.test" }))).toBeNull();
    expect(
      csrfProblem(post({ ...base, origin: "https://fleet.example.com" }), { publicUrl: "https://fleet.example.com" }),
    ).toBeNull();
  });

  it("marks cookies Secure behind an https proxy or public URL", () => {
    expect(isSecureRequest(post({ "x-forwarded-proto": "https" }), null)).toBe(true);
    expect(isSecureRequest(post({}), "https://fleet.example.com")).toBe(true);
    expect(isSecureRequest(post({}), null)).toBe(false);
  });
});
