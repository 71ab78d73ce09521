// The load generator: N pull-mode agents in this one process, each the real agent library
// (src/agent/agent.ts: Register with a bootstrap token, then one gRPC stream to the hub) with a
// synthetic member in place of a kube-apiserver. Only the collector is replaced; registration,
// the stream, heartbeats, Welcome handling and reconnects are the product's own code.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { type Agent, type AgentExit, startAgent } from "../../src/agent/agent.ts";
import { DEFAULT_BACKOFF, parseHubAddress } from "../../src/agent/options.ts";
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

export interface AgentFleet {
  names: string[];
  /** Agents that ended on their own (refused, or failed): none should. */
  exited(): { count: number; first?: string };
  stop(): Promise<void>;
}

export async function startFleet(o: FleetOptions): Promise<AgentFleet> {
  const stateDir = await mkdtemp(join(tmpdir(), "mcp-bench-agents-"));
  const log = pino({ level: "silent" });
  const agents: Agent[] = [];
  const exits: AgentExit[] = [];
  const names = o.tokens.map((_, i) => clusterName(i));
  let stopping = false;
  const t0 = performance.now();
  for (const [i, token] of o.tokens.entries()) {
    // Paced: registrations arrive as an operator's rollout would, and heartbeat phases spread out.
    const due = t0 + (i * 1000) / o.startRate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const status = syntheticStatus(i, o.nodes);
    const name = names[i];
    const agent = startAgent(
      {
        hubTarget: parseHubAddress(o.hubAgentUrl),
        hubCaPath: o.hubCaPath,
        bootstrapToken: token,
        clusterName: name,
        labels: { region: `region-${i % 8}`, env: "bench" },
        stateDir,
        logLevel: "silent",
        backoff: DEFAULT_BACKOFF,
        registerTimeoutMs: 60_000,
      },
      {
        log,
        // The session writes the heartbeat as soon as the collector returns, so this is send time.
        collect: async () => {
          const observed = status();
          queueMicrotask(() => o.onSend(name));
          return observed;
        },
      },
    );
    void agent.done.then((exit) => {
      if (!stopping) exits.push(exit);
    });
    agents.push(agent);
  }
  return {
    names,
    exited: () => ({ count: exits.length, first: exits[0]?.message }),
    async stop() {
      stopping = true;
      await Promise.all(agents.map((a) => a.stop()));
      await rm(stateDir, { recursive: true, force: true });
    },
  };
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
