import { describe, expect, it } from "vitest";
import { createLogger, logBanner, rootLogger, setRootLogger } from "./create-logger.ts";
import { captureLogger } from "./testing/index.ts";

describe("createLogger", () => {
  it("writes one JSON line per entry: level name, ISO time, process name, msg, fields", () => {
    const lines: string[] = [];
    const logger = createLogger({ name: "fleet-test", level: "info", destination: { write: (l) => lines.push(l) } });
    logger.info({ clientId: "gw-1", port: 1883 }, "client connected");
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith("\n")).toBe(true);
    const entry = JSON.parse(lines[0] ?? "");
    expect(entry).toEqual({
      level: "info",
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      name: "fleet-test",
      msg: "client connected",
      clientId: "gw-1",
      port: 1883,
    });
  });

  it("drops entries below its level; silent drops everything", () => {
    const warn = captureLogger({ level: "warn" });
    warn.logger.debug("d");
    warn.logger.info("i");
    warn.logger.warn("w");
    warn.logger.error("e");
    expect(warn.entries.map((e) => e.level)).toEqual(["warn", "error"]);
    const silent = captureLogger({ level: "silent" });
    silent.logger.error("e");
    expect(silent.entries).toEqual([]);
  });

  it("child loggers carry their ids on every entry", () => {
    const { logger, entries } = captureLogger();
    const device = logger.child({ deviceId: "gw-7" });
    device.child({ rev: 3 }).info("model loaded");
    expect(entries[0]).toMatchObject({ deviceId: "gw-7", rev: 3, msg: "model loaded" });
  });

  it("errors become message and code, without a stack, under any key", () => {
    const { logger, entries } = captureLogger();
    const coded = Object.assign(new Error("connect refused"), { code: "ECONNREFUSED" });
    logger.error({ err: coded }, "failed");
    logger.warn({ error: new Error("plain") }, "failed too");
    logger.warn({ detail: { cause: new TypeError("nested") } }, "nested");
    logger.error(new Error("as the only argument"));
    expect(entries[0]?.err).toEqual({ message: "connect refused", code: "ECONNREFUSED" });
    expect(entries[1]?.error).toEqual({ message: "plain" });
    expect(entries[2]?.detail).toEqual({ cause: { message: "nested" } });
    expect(entries[3]).toMatchObject({ msg: "as the only argument", err: { message: "as the only argument" } });
    expect(JSON.stringify(entries)).not.toContain("    at ");
  });

  it("keeps error fields that are not Errors as they are (a string, an object with a message)", () => {
    const { logger, entries } = captureLogger();
    logger.warn({ error: "bad user name or password", broker: "mqtt://h" }, "mqtt connection failed");
    logger.warn({ err: "refused" }, "string err");
    logger.warn({ err: { message: "plain", detail: 1 } }, "object err");
    expect(entries.map((entry) => entry.error ?? entry.err)).toEqual([
      "bad user name or password",
      "refused",
      { message: "plain", detail: 1 },
    ]);
  });

  it("does not change the caller's objects", () => {
    const { logger } = captureLogger();
    const error = new Error("kept");
    const fields = { err: error, url: "mqtt://u:p@host" };
    logger.info(fields, "x");
    expect(fields.err).toBe(error);
    expect(fields.url).toBe("mqtt://u:p@host");
  });
});

describe("redaction", () => {
  it("censors passwords, secrets, tokens and authorization headers, top level and one down", () => {
    const { logger, entries } = captureLogger();
    logger.info(
      {
        password: "hunter2",
        secret: "s3cret-device-secret",
        token: "t0k3n",
        device: { id: "gw-1", secret: "nested-secret", credentialHash: "scrypt$..." },
        headers: { authorization: "Bearer abc.def", accept: "text/html" },
        req: { headers: { authorization: "Basic dXNlcjpwYXNz", cookie: "fleet_session=xyz" } },
      },
      "login",
    );
    const entry = entries[0]!;
    expect(entry).toMatchObject({
      password: "[redacted]",
      secret: "[redacted]",
      token: "[redacted]",
      device: { id: "gw-1", secret: "[redacted]", credentialHash: "[redacted]" },
      headers: { authorization: "[redacted]", accept: "text/html" },
      req: { headers: { authorization: "[redacted]", cookie: "[redacted]" } },
    });
    const text = JSON.stringify(entry);
    for (const leaked of ["hunter2", "s3cret", "t0k3n", "nested-secret", "abc.def", "dXNlcjpwYXNz", "xyz"]) {
      expect(text).not.toContain(leaked);
    }
  });

  it("masks the password of a URL's user info in fields, error messages, the message and bindings", () => {
    const { logger, entries } = captureLogger();
    logger
      .child({ broker: "mqtts://console:pa55@broker.example:8883" })
      .warn(
        { url: "postgresql://fleet:db-pa55@db:5432/fleet", err: new Error("cannot reach mqtt://svc:err-pa55@h:1883") },
        "publishing to mqtt://console:msg-pa55@127.0.0.1:1883 failed",
      );
    const entry = entries[0]!;
    expect(entry.broker).toBe("mqtts://console:[redacted]@broker.example:8883");
    expect(entry.url).toBe("postgresql://fleet:[redacted]@db:5432/fleet");
    expect(entry.err).toEqual({ message: "cannot reach mqtt://svc:[redacted]@h:1883" });
    expect(entry.msg).toBe("publishing to mqtt://console:[redacted]@127.0.0.1:1883 failed");
    expect(JSON.stringify(entry)).not.toMatch(/pa55/);
  });

  it("leaves e-mail addresses and URLs without a password alone", () => {
    const { logger, entries } = captureLogger();
    logger.info({ email: "ops@example.com", url: "postgresql://postgres@127.0.0.1:5432/db" }, "ok");
    expect(entries[0]).toMatchObject({ email: "ops@example.com", url: "postgresql://postgres@127.0.0.1:5432/db" });
  });
});

describe("root logger and banner", () => {
  it("is one per process, shared through globalThis", () => {
    const { logger } = captureLogger();
    expect(setRootLogger(logger)).toBe(logger);
    expect(rootLogger()).toBe(logger);
  });

  it("logs a banner as one warn entry that keeps its lines", () => {
    const { logger, entries } = captureLogger();
    logBanner(logger, ["WARNING: one", "two"]);
    expect(entries[0]).toMatchObject({ level: "warn", msg: "WARNING: one two", banner: ["WARNING: one", "two"] });
  });

  it("shows a banner at every level but silent", () => {
    const quiet = captureLogger({ level: "error" });
    logBanner(quiet.logger, ["WARNING"]);
    expect(quiet.entries).toMatchObject([{ level: "error", msg: "WARNING" }]);
    const silent = captureLogger({ level: "silent" });
    logBanner(silent.logger, ["WARNING"]);
    expect(silent.entries).toEqual([]);
  });
});
