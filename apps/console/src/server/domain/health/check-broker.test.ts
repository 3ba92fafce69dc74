// checkBroker against a listening and a closed loopback port: reachability, credentials kept out.
import { describe, expect, it } from "vitest";
import { closedPort, listeningPort } from "../../../testing/closed-port.ts";
import { checkBroker } from "./check-broker.ts";

describe("checkBroker", () => {
  it("reaches a listening broker and hides its credentials", async () => {
    const broker = await listeningPort();
    try {
      const status = await checkBroker({ mqttUrl: `mqtt://console:s3cret@127.0.0.1:${broker.port}` });
      expect(status).toEqual({
        configured: true,
        url: `mqtt://127.0.0.1:${broker.port}`,
        reachable: true,
        problem: null,
      });
    } finally {
      await broker.close();
    }
  });

  it("reports a broker that does not answer", async () => {
    const port = await closedPort();
    const broker = await checkBroker({ mqttUrl: `mqtt://127.0.0.1:${port}` });
    expect(broker).toMatchObject({ configured: true, reachable: false, problem: `no answer on 127.0.0.1:${port}` });
  });
});
