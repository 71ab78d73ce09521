// Policy benchmark: (1) admission overhead per write with 0, 10 and 100 ClusterPolicies in force
// (BENCH_POLICY_COUNTS) — the admission plugin alone in this process (µs per validate()) and
// Deployment creates over HTTPS against a real mcp-server (ms per write, one at a time); (2) a
// policy change → every agent: BENCH_AGENTS connected agents, BENCH_ROUNDS changes, the time until
// the last agent has each change. Issue target: a change reaches all agents in < 500 ms.
// Prints one JSON object on stdout; progress on stderr.
// Usage: npx node bench/policy.bench.ts   (sizes and switches: bench/policy/config.ts)
import { HubClient } from "./lib/hub-client.ts";
import { startHubProcess } from "./lib/hub-process.ts";
import { progress } from "./lib/phase.ts";
import { requireNode24, runBenchmark, runHeader } from "./lib/report.ts";
import { ensurePolicies, measurePlugin, measureWrites } from "./policy/admission.ts";
import { type PolicyBenchConfig, policyConfig } from "./policy/config.ts";
import { measureDistribution } from "./policy/distribution.ts";
import { BENCH_NAMESPACE } from "./policy/fixtures.ts";

const TARGET_MS = 500;

async function run(cfg: PolicyBenchConfig) {
  const counts = [...new Set(cfg.policyCounts)].sort((a, b) => a - b);
  const plugin = [];
  for (const n of counts) {
    progress(`plugin: ${n} policies, ${cfg.evaluations} evaluations`);
    plugin.push(await measurePlugin(n, cfg.evaluations));
  }
  const hub = await startHubProcess({ durability: cfg.durability, logLevel: cfg.logLevel });
  const client = await HubClient.fromKubeconfig(hub.kubeconfigPath, { maxSockets: 16 });
  try {
    await client.json("POST", "/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: BENCH_NAMESPACE, labels: { "mcp.platform/tenant": "team-a" } },
    });
    const writes = [];
    let have = 0;
    for (const n of counts) {
      await ensurePolicies(client, have, n);
      have = n;
      writes.push(await measureWrites(client, n, cfg.writes));
    }
    const base = writes[0];
    const overhead = writes.map((w) => ({
      policies: w.policies,
      p50Ms: Math.round((w.writes.p50Ms - base.writes.p50Ms) * 1000) / 1000,
      p99Ms: Math.round((w.writes.p99Ms - base.writes.p99Ms) * 1000) / 1000,
    }));
    const distribution = await measureDistribution(client, hub, cfg);
    return { plugin, writes, writeOverheadVsFirst: overhead, distribution };
  } finally {
    client.close();
    await hub.stop();
  }
}

async function main(): Promise<number> {
  requireNode24();
  const cfg = policyConfig();
  const startedAt = new Date().toISOString();
  const result = await run(cfg);
  const out = {
    ...runHeader("policy", startedAt),
    config: cfg,
    target: `a policy change reaches all agents in < ${TARGET_MS} ms (p99)`,
    met: result.distribution.allAgentsMs.p99Ms < TARGET_MS,
    ...result,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

runBenchmark("policy", main);
