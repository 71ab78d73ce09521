// The API server's Prometheus metrics, registered on an injected Registry (never the global one).
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface ApiMetrics {
  requestDuration: Histogram<"verb" | "resource" | "code">;
  storageDuration: Histogram<"operation">;
  openWatches: Gauge<"resource">;
  watchEvents: Counter<"resource">;
}

export function apiMetrics(registry: Registry, prefix = "mcp_apiserver"): ApiMetrics {
  return {
    requestDuration: new Histogram({
      name: `${prefix}_request_duration_seconds`,
      help: "API request latency by verb, resource and HTTP code (watches excluded).",
      labelNames: ["verb", "resource", "code"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    storageDuration: new Histogram({
      name: `${prefix}_storage_operation_duration_seconds`,
      help: "Storage operation latency by operation.",
      labelNames: ["operation"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    openWatches: new Gauge({
      name: `${prefix}_open_watches`,
      help: "Watches currently open, by resource.",
      labelNames: ["resource"],
      registers: [registry],
    }),
    watchEvents: new Counter({
      name: `${prefix}_watch_events_total`,
      help: "Watch events sent, by resource.",
      labelNames: ["resource"],
      registers: [registry],
    }),
  };
}
