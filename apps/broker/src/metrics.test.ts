import { afterEach, describe, expect, it } from "vitest";
import type { RunningBroker } from "./server.ts";
import {
  collectMessages,
  connackCode,
  connectClient,
  endAll,
  mqttUrl,
  startTestBroker,
  subscribeGranted,
} from "./testing/broker-harness.ts";

let broker: RunningBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

function metricsBase(running: RunningBroker): string {
  return `http://127.0.0.1:${running.ports.metrics}`;
}

/** `name{labels} value` lines of a Prometheus text body, by series. */
function samples(body: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of body.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

describe("metrics endpoint", () => {
  it("answers /healthz with 200 {status: ok}", async () => {
    broker = await startTestBroker();
    const response = await fetch(`${metricsBase(broker)}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("serves Prometheus text whose counters follow real traffic", async () => {
    broker = await startTestBroker({ MQTT_ALLOW_ANONYMOUS: "true" });
    const publisher = await connectClient(mqttUrl(broker), { clientId: "pub-1" });
    const subscriber = await connectClient(mqttUrl(broker), { clientId: "sub-1" });
    const inbox = collectMessages(subscriber);
    await subscribeGranted(subscriber, ["lab/+", "fleet/v1/x/desired"], 1);
    await publisher.publishAsync("lab/a", "12345", { qos: 1 });
    await publisher.publishAsync("lab/b", "678", { qos: 1 });
    await inbox.waitFor("lab/b");
    expect(await connackCode(mqttUrl(broker), { clientId: "bad/id" })).toBe(2);

    const response = await fetch(`${metricsBase(broker)}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const body = await response.text();
    expect(body).toContain("# TYPE fleet_broker_messages_received_total counter");
    expect(body).toContain("# TYPE fleet_broker_connected_clients gauge");
    expect(body).toContain("# TYPE fleet_broker_network_received_bytes_total counter");
    expect(body).toContain("# TYPE fleet_broker_connect_auth_seconds histogram");
    expect(body).toContain("# TYPE fleet_broker_ingest_batch_write_seconds histogram");
    const values = samples(body);
    expect(values.get("fleet_broker_connected_clients")).toBe(2);
    expect(values.get("fleet_broker_messages_received_total")).toBe(2);
    expect(values.get("fleet_broker_messages_sent_total")).toBe(2);
    expect(values.get("fleet_broker_payload_received_bytes_total")).toBe(8);
    expect(values.get("fleet_broker_payload_sent_bytes_total")).toBe(8);
    expect(values.get("fleet_broker_connections_total")).toBe(2);
    expect(values.get('fleet_broker_auth_failures_total{return_code="2"}')).toBe(1);
    expect(values.get('fleet_broker_acl_denied_total{action="subscribe"}')).toBe(1);
    expect(values.get("fleet_broker_client_errors_total")).toBe(0); // a refused CONNECT is an auth failure only
    expect(values.get("fleet_broker_network_received_bytes_total")).toBeGreaterThan(0);
    expect(values.get("fleet_broker_network_sent_bytes_total")).toBeGreaterThan(0);
    expect(values.get("fleet_broker_uptime_seconds")).toBeGreaterThanOrEqual(0);
    // CONNECT authentication time, by outcome: the two clients accepted, "bad/id" refused.
    expect(values.get('fleet_broker_connect_auth_seconds_count{outcome="accepted"}')).toBe(2);
    expect(values.get('fleet_broker_connect_auth_seconds_count{outcome="refused"}')).toBe(1);
    expect(values.get('fleet_broker_connect_auth_seconds_bucket{le="+Inf",outcome="accepted"}')).toBe(2);
    expect(values.get("fleet_broker_ingest_batch_write_seconds_count")).toBe(0); // no database, no ingest
    // prom-client's default process metrics.
    expect(values.get("process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(values.has("nodejs_heap_size_used_bytes")).toBe(true);
    await endAll(publisher, subscriber);
  });

  it("keeps one registry per broker: two brokers in one process count apart", async () => {
    broker = await startTestBroker({ MQTT_ALLOW_ANONYMOUS: "true" });
    const other = await startTestBroker({ MQTT_ALLOW_ANONYMOUS: "true" });
    try {
      const client = await connectClient(mqttUrl(broker), { clientId: "pub-1" });
      await client.publishAsync("lab/a", "x", { qos: 1 });
      await endAll(client);
      const mine = samples(await (await fetch(`${metricsBase(broker)}/metrics`)).text());
      const theirs = samples(await (await fetch(`${metricsBase(other)}/metrics`)).text());
      expect(mine.get("fleet_broker_messages_received_total")).toBe(1);
      expect(theirs.get("fleet_broker_messages_received_total")).toBe(0);
      expect(theirs.get("fleet_broker_connections_total")).toBe(0);
    } finally {
      await other.close();
    }
  });

  it("answers 404 elsewhere and 405 to other methods", async () => {
    broker = await startTestBroker();
    expect((await fetch(`${metricsBase(broker)}/`)).status).toBe(404);
    expect((await fetch(`${metricsBase(broker)}/metrics`, { method: "POST" })).status).toBe(405);
  });

  it("can be switched off", async () => {
    broker = await startTestBroker({ METRICS_PORT: "off" });
    expect(broker.ports.metrics).toBeNull();
    expect(broker.urls.metrics).toBeNull();
  });
});
