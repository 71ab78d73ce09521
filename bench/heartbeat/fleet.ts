// The load generator: N pull-mode agents in this one process, each the real agent library
// (bench/lib/agent-fleet.ts) with a synthetic member in place of a kube-apiserver. Only the
// collector is replaced; registration, the stream, heartbeats, Welcome handling and reconnects
// are the product's own code.
import { type AgentFleet, startAgentFleet } from "../lib/agent-fleet.ts";
import type { HubClient } from "../lib/hub-client.ts";
import { runPool } from "../lib/pool.ts";
import { syntheticStatus } from "./status.ts";

export const CLUSTERS = "/apis/mcp.platform/v1/clusters";

export const clusterName = (i: number) => `bench-${String(i).padStart(5, "0")}`;

/** Issues one bootstrap token per cluster through the API (what `mcpctl cluster token create` does). */
export async function issueTokens(client: HubClient, count: number, concurrency: number): Promise<string[]> {
  const tokens: string[] = new Array(count);
  await runPool(count, concurrency, async (i) => {
    const res = await client.json<{ status: { token: string } }>(
      "POST",
      "/apis/mcp.platform/v1/bootstraptokens",
      {
        apiVersion: "mcp.platform/v1",
        kind: "BootstrapToken",
        spec: { ttl: "2h" },
      },
    );
    tokens[i] = res.status.token;
  });
  return tokens;
}

export interface FleetOptions {
  hubAgentUrl: string;
  hubCaPath: string;
  tokens: string[];
  nodes: number;
  /** Agents started per second. */
  startRate: number;
  /** Called with the cluster's name whenever its agent hands a heartbeat to the stream. */
  onSend(cluster: string): void;
}

export function startFleet(o: FleetOptions): Promise<AgentFleet> {
  return startAgentFleet({
    hubAgentUrl: o.hubAgentUrl,
    hubCaPath: o.hubCaPath,
    names: o.tokens.map((_, i) => clusterName(i)),
    tokens: o.tokens,
    startRate: o.startRate,
    labels: (i) => ({ region: `region-${i % 8}`, env: "bench" }),
    member(i, name) {
      const status = syntheticStatus(i, o.nodes);
      return {
        // The session writes the heartbeat as soon as the collector returns, so this is send time.
        collect: async () => {
          const observed = status();
          queueMicrotask(() => o.onSend(name));
          return observed;
        },
      };
    },
  });
}

interface ClusterItem {
  metadata: { name: string };
  spec?: { syncInterval?: string };
  status?: { lastHeartbeatTime?: string; conditions?: { type: string; status: string }[] };
}

export interface FleetState {
  total: number;
  ready: number;
  atInterval: number;
  resourceVersion: string;
}

/** One paged list of the Clusters: how many exist, are Ready, and have the wanted interval. */
export async function fleetState(client: HubClient, interval: string): Promise<FleetState> {
  let cont = "";
  const state: FleetState = { total: 0, ready: 0, atInterval: 0, resourceVersion: "" };
  do {
    const page = await client.json<{
      metadata: { continue?: string; resourceVersion: string };
      items: ClusterItem[];
    }>("GET", `${CLUSTERS}?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`);
    state.resourceVersion ||= page.metadata.resourceVersion;
    for (const c of page.items) {
      state.total++;
      if (c.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True")) state.ready++;
      if (c.spec?.syncInterval === interval) state.atInterval++;
    }
    cont = page.metadata.continue ?? "";
  } while (cont);
  return state;
}

/**
 * Sets every Cluster's spec.syncInterval (an operator's merge patch), spread evenly over one
 * interval so the agents' heartbeat phases stay spread too (each agent beats on its new Welcome).
 */
export async function patchIntervals(
  client: HubClient,
  names: string[],
  o: { interval: string; spreadMs: number; concurrency: number },
): Promise<void> {
  const t0 = performance.now();
  await runPool(names.length, o.concurrency, async (i) => {
    const wait = t0 + (i * o.spreadMs) / names.length - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await client.json(
      "PATCH",
      `${CLUSTERS}/${names[i]}`,
      { spec: { syncInterval: o.interval } },
      "application/merge-patch+json",
    );
  });
}
