// Fleet diagnostics benchmark: for each fleet size in BENCH_DIAG_SIZES (default 50 and 200
// simulated clusters), a fresh mcp-server, one mcp-sim process serving N clusters, and N pull-mode
// agents — the real agent library with the real member side (status collector, and the diagnoser:
// mcp-diag's snapshot and all 36 checks) — in a process of their own (bench/lib/member-agents.ts). Once every Cluster is Ready,
// BENCH_DIAG_SCANS fleet scans (`mcpctl diag scan --all-clusters`'s DiagnosticScan) run one after
// another; each is timed from the create to the last cluster's DiagnosticReport stored (seen by a
// watch on the scan's label), with the CPU of the hub, mcp-sim, the agents and this process over
// that span. The hub's share is dispatching the commands, validating and storing the reports and
// archiving the previous scan's (from the second scan on). Prints one JSON object on stdout.
// Usage: npx node bench/diag-fleet.bench.ts   (sizes and switches: bench/diag-fleet/config.ts)
import { type DiagFleetBenchConfig, diagFleetConfig } from "./diag-fleet/config.ts";
import { runSize } from "./diag-fleet/size.ts";
import { progress } from "./lib/phase.ts";
import { requireNode24, runBenchmark, runHeader } from "./lib/report.ts";

async function run(cfg: DiagFleetBenchConfig) {
  const sizes: (Awaited<ReturnType<typeof runSize>> | { clusters: number; error: string })[] = [];
  for (const n of cfg.sizes) {
    progress(`=== ${n} clusters ===`);
    try {
      sizes.push(await runSize(cfg, n));
    } catch (e) {
      progress(`${n} clusters failed: ${(e as Error).stack ?? e}`);
      sizes.push({ clusters: n, error: (e as Error).message });
    }
  }
  return sizes;
}

async function main(): Promise<number> {
  requireNode24();
  const cfg = diagFleetConfig();
  const startedAt = new Date().toISOString();
  const sizes = await run(cfg);
  const out = { ...runHeader("diag-fleet", startedAt), config: cfg, sizes };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return sizes.some((s) => "error" in s || s.summary.missing > 0) ? 1 : 0;
}

runBenchmark("diag-fleet", main);
