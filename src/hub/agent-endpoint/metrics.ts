// The agent endpoint's Prometheus metrics, on the hub's one Registry (the API server's).
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface AgentEndpointMetrics {
  connectedAgents: Gauge;
  heartbeatDuration: Histogram;
  registrations: Counter<"result">;
}

export function agentEndpointMetrics(registry: Registry): AgentEndpointMetrics {
  return {
    connectedAgents: new Gauge({
      name: "mcp_hub_connected_agents",
      help: "Agents with a live Connect stream to this hub replica.",
      registers: [registry],
    }),
    heartbeatDuration: new Histogram({
      name: "mcp_hub_heartbeat_duration_seconds",
      help: "Time the hub takes to process one agent heartbeat (decode and record the cluster's status).",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    registrations: new Counter({
      name: "mcp_hub_agent_registrations_total",
      help: "Agent registrations by result: accepted, pending (awaiting approval) or rejected.",
      labelNames: ["result"],
      registers: [registry],
    }),
  };
}
