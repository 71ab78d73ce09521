// The cluster controllers' Prometheus metrics, registered on the hub's injected Registry:
// readiness per cluster (1 True, 0 False, -1 Unknown or not yet known), how long recording a
// heartbeat takes, and push-mode poll outcomes and latency.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { ConditionStatus } from "./conditions.ts";

export interface ClusterMetrics {
  ready: Gauge<"cluster">;
  heartbeatWrite: Histogram;
  pollDuration: Histogram<"result">;
  pollsTotal: Counter<"result">;
}

export function clusterMetrics(registry: Registry): ClusterMetrics {
  return {
    ready: new Gauge({
      name: "mcp_cluster_ready",
      help: "Whether each cluster is Ready: 1 True, 0 False, -1 Unknown.",
      labelNames: ["cluster"],
      registers: [registry],
    }),
    heartbeatWrite: new Histogram({
      name: "mcp_cluster_heartbeat_write_seconds",
      help: "Time to record one heartbeat on its Cluster (status write and transition events).",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    pollDuration: new Histogram({
      name: "mcp_cluster_push_poll_duration_seconds",
      help: "Push mode: time to collect and record one member's status, by result (ok, error).",
      labelNames: ["result"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    pollsTotal: new Counter({
      name: "mcp_cluster_push_polls_total",
      help: "Push mode: member polls, by result (ok, error).",
      labelNames: ["result"],
      registers: [registry],
    }),
  };
}

export function readyValue(status: ConditionStatus | undefined): number {
  return status === "True" ? 1 : status === "False" ? 0 : -1;
}
