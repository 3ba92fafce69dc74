// HTTP endpoint for operators and orchestrators: GET /healthz and GET /metrics (prom-client's text format).
import { createServer, type Server, type ServerResponse } from "node:http";
import type { BrokerMetrics } from "./metrics.ts";

export interface MetricsServerOptions {
  readonly metrics: BrokerMetrics;
  /** False once shutdown begins, so load balancers stop sending clients here. */
  readonly isHealthy: () => boolean;
}

export function createMetricsServer({ metrics, isHealthy }: MetricsServerOptions): Server {
  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/healthz" && path !== "/metrics") {
      sendJson(res, 404, { error: "not found; try /metrics or /healthz" });
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      sendJson(res, 405, { error: "method not allowed" });
      return;
    }
    if (path === "/healthz") {
      const healthy = isHealthy();
      sendJson(res, healthy ? 200 : 503, { status: healthy ? "ok" : "closing" });
      return;
    }
    metrics.registry.metrics().then(
      (text) => {
        res.writeHead(200, { "content-type": metrics.registry.contentType });
        res.end(req.method === "HEAD" ? undefined : text);
      },
      () => sendJson(res, 500, { error: "metrics could not be collected" }),
    );
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}
