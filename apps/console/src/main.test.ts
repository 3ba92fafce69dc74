import net from "node:net";
import { describe, expect, it } from "vitest";
import { runBin } from "./test-support/run-bin.ts";

// The CLI's refusals happen before any build or database, so these run in a second or two.
describe("fleet-console command line", () => {
  it("--help documents every setting", async () => {
    const result = await runBin(["--help"]);
    expect(result.code).toBe(0);
    for (const name of ["CONSOLE_PORT", "CONSOLE_HOST", "DATABASE_URL", "FLEET_DATA_DIR", "MQTT_URL", "CONSOLE_PUBLIC_URL"]) {
      expect(result.stdout).toContain(name);
    }
  });

  it("a bad setting: one line on stderr naming it, exit 2, no stack trace", async () => {
    const result = await runBin(["--port", "http"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('fleet-console: --port must be an integer from 0 to 65535 (got "http")\n');
  });

  it("a taken port: one line naming CONSOLE_PORT, exit 1", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const result = await runBin(["--host", "127.0.0.1", "--port", String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `fleet-console: CONSOLE_PORT ${port} is already in use; set CONSOLE_PORT (or --port) to a free port\n`,
      );
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
