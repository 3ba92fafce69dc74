import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "@fleet/settings";
import { loadServiceAccounts } from "./service-accounts.ts";

const dir = mkdtempSync(join(tmpdir(), "fleet-sa-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HASH = "scrypt$1024$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=";

function file(content: unknown): string {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("service accounts file", () => {
  it("loads accounts with their rights", () => {
    const accounts = [
      {
        username: "console",
        secretHash: HASH,
        publish: ["fleet/v1/+/desired"],
        subscribe: ["fleet/v1/+/reported", "$SYS/#"],
      },
    ];
    expect(loadServiceAccounts(file({ accounts }), true)).toEqual(accounts);
  });

  it("a missing default file means no accounts; a missing configured file is an error", () => {
    expect(loadServiceAccounts(join(dir, "absent.json"), false)).toEqual([]);
    expect(() => loadServiceAccounts(join(dir, "absent.json"), true)).toThrow(ConfigError);
  });

  it.each([
    ["not JSON", "{", /not valid JSON/],
    [
      "plain secret",
      { accounts: [{ username: "console", secretHash: "hunter2", publish: [], subscribe: [] }] },
      /secretHash/,
    ],
    [
      "$SYS publish",
      { accounts: [{ username: "console", secretHash: HASH, publish: ["$SYS/x"], subscribe: [] }] },
      /never writable/,
    ],
    [
      "bad filter",
      { accounts: [{ username: "console", secretHash: HASH, publish: ["a/#/b"], subscribe: [] }] },
      /topic filter/,
    ],
    [
      "bad username",
      { accounts: [{ username: "Console/1", secretHash: HASH, publish: [], subscribe: [] }] },
      /username/,
    ],
    [
      "duplicate",
      { accounts: [1, 2].map(() => ({ username: "console", secretHash: HASH, publish: [], subscribe: [] })) },
      /unique/,
    ],
  ])("refuses %s with a ConfigError naming the setting", (_name, content, message) => {
    expect(() => loadServiceAccounts(file(content), true)).toThrow(message);
    expect(() => loadServiceAccounts(file(content), true)).toThrow(/MQTT_SERVICE_ACCOUNTS/);
  });
});
