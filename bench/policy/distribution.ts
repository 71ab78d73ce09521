// Policy-change → every agent: BENCH_AGENTS pull-mode agents (the real agent library in this
// process, a synthetic member status) are connected to the hub; each round PATCHes a ClusterPolicy
// they all audit, and the latency is the time from just before the PATCH to each agent's receipt
// of the policy set carrying the new generation (the hub's "policies" command). "all" is the last
// agent's receipt: the time the whole fleet has the change.
import type { Command } from "../../src/apis/agent/v1/protocol.ts";
import { parsePolicySet } from "../../src/policy/policy-set.ts";
import { clusterName, issueTokens } from "../heartbeat/fleet.ts";
import { syntheticStatus } from "../heartbeat/status.ts";
import { startAgentFleet } from "../lib/agent-fleet.ts";
import type { HubClient } from "../lib/hub-client.ts";
import { LatencyRecorder, type LatencySummary } from "../lib/latency.ts";
import { progress } from "../lib/phase.ts";

const POLICY = "bench-distribution";
const PATH = `/apis/mcp.platform/v1/clusterpolicies/${POLICY}`;

export interface DistributionResult {
  agents: number;
  rounds: number;
  /** Change → the last agent has it, per round. */
  allAgentsMs: LatencySummary;
  /** Change → one agent has it, every agent of every round. */
  perAgentMs: LatencySummary;
}

export async function measureDistribution(
  client: HubClient,
  hub: { agentUrl: string; caPath: string },
  o: { agents: number; rounds: number; roundTimeoutS: number },
): Promise<DistributionResult> {
  // Per agent: the latest round it has received (the policy's params.round) and when.
  const seen = new Map<string, { round: number; at: number }>();
  const received = (name: string) => (command: Command) => {
    const set = parsePolicySet(command.params_json);
    if (set instanceof Error) return;
    const p = set.policies.find((x) => x.name === POLICY);
    const round = Number((p?.spec.params as { round?: number } | undefined)?.round ?? -1);
    seen.set(name, { round, at: performance.now() });
  };
  const names = Array.from({ length: o.agents }, (_, i) => clusterName(i));
  progress(`distribution: ${o.agents} agents registering`);
  const tokens = await issueTokens(client, o.agents, 16);
  const fleet = await startAgentFleet({
    hubAgentUrl: hub.agentUrl,
    hubCaPath: hub.caPath,
    names,
    tokens,
    startRate: 100,
    labels: () => ({ env: "bench" }),
    member: (i, name) => {
      const status = syntheticStatus(i, 3);
      return { collect: async () => status(), commands: { policies: received(name) } };
    },
  });
  try {
    await client.json("POST", "/apis/mcp.platform/v1/clusterpolicies", {
      apiVersion: "mcp.platform/v1",
      kind: "ClusterPolicy",
      metadata: { name: POLICY },
      spec: {
        clusterSelector: { matchLabels: { env: "bench" } },
        params: { round: 0 },
        rules: [
          {
            action: "audit",
            condition: "object.metadata.name == params.name",
            match: { kinds: ["ConfigMap"] },
          },
        ],
      },
    });
    await waitRound(seen, names, 0, 120_000);
    const all = new LatencyRecorder();
    const each = new LatencyRecorder();
    const t0 = performance.now();
    for (let round = 1; round <= o.rounds; round++) {
      const start = performance.now();
      await client.json("PATCH", PATH, { spec: { params: { round } } }, "application/merge-patch+json");
      await waitRound(seen, names, round, o.roundTimeoutS * 1000);
      let last = 0;
      for (const n of names) {
        const ms = seen.get(n)!.at - start;
        each.record(ms);
        last = Math.max(last, ms);
      }
      all.record(last);
    }
    const wall = performance.now() - t0;
    return {
      agents: o.agents,
      rounds: o.rounds,
      allAgentsMs: all.summary(wall),
      perAgentMs: each.summary(wall),
    };
  } finally {
    await fleet.stop();
  }
}

async function waitRound(
  seen: Map<string, { round: number }>,
  names: string[],
  round: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const missing = names.filter((n) => (seen.get(n)?.round ?? -1) < round);
    if (missing.length === 0) return;
    if (performance.now() > deadline)
      throw new Error(`round ${round}: ${missing.length} agent(s) never received it (e.g. ${missing[0]})`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
