import { describe, expect, it } from "vitest";
import { createSessionToken, hashSessionToken, readSessionToken, SESSION_COOKIE_NAME } from "./session-cookie.ts";

describe("session cookie", () => {
  it("finds the session token among other cookies", () => {
    const token = createSessionToken();
    expect(readSessionToken(`theme=dark; ${SESSION_COOKIE_NAME}=${token}; lang=en`)).toBe(token);
  });

  it("ignores missing, empty and malformed tokens", () => {
    expect(readSessionToken(null)).toBeNull();
    expect(readSessionToken("theme=dark")).toBeNull();
    expect(readSessionToken(`${SESSION_COOKIE_NAME}=`)).toBeNull();
    expect(readSessionToken(`${SESSION_COOKIE_NAME}=' OR 1=1 --`)).toBeNull();
  });

  it("stores only a sha256 of the token", () => {
    const token = createSessionToken();
    expect(hashSessionToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionToken(token)).not.toContain(token);
  });
});
