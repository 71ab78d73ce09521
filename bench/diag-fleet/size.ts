// One fleet size: a fresh hub, mcp-sim with N clusters, N pull agents (real collector and
// diagnoser) in their own process, every Cluster Ready (bench/lib/fleet-processes.ts); then
// BENCH_DIAG_SCANS fleet scans one after another, each measured from the DiagnosticScan's creation
// to its last report stored. Everything started is stopped in reverse order, whatever happens.
import { setTimeout as sleep } from "node:timers/promises";
import { startFleetProcesses } from "../lib/fleet-processes.ts";
import { round } from "../lib/latency.ts";
import { progress } from "../lib/phase.ts";
import { rssMiB } from "../lib/proc-stats.ts";
import { logTail, Teardown } from "../lib/teardown.ts";
import type { DiagFleetBenchConfig } from "./config.ts";
import { measureScan } from "./scan.ts";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : 0;
};

export async function runSize(cfg: DiagFleetBenchConfig, n: number) {
  const teardown = new Teardown();
  const logs: string[] = [];
  const t0 = performance.now();
  try {
    const f = await startFleetProcesses({
      cfg,
      n,
      teardown,
      logs,
      tempPrefix: "mcp-bench-diag-",
      member: { diagnose: true },
    });
    const setupSeconds = round((performance.now() - t0) / 1000);
    // Registration's burst of first heartbeats is over before the first scan.
    await sleep(cfg.pauseMs);

    const pids = { hub: f.hub.pid, sim: f.sim.pid, agents: f.agents.pid };
    const scans = [];
    for (let i = 1; i <= cfg.scans; i++) {
      scans.push(await measureScan(f.client, `bench-${n}-${i}`, n, pids, cfg.scanTimeoutS * 1000));
      await sleep(cfg.pauseMs);
    }
    const hubRssMiB = round(rssMiB(f.hub.pid));
    await teardown.run(); // stops the agents, which report how many ended on their own
    return {
      clusters: n,
      nodesPerCluster: cfg.nodes,
      scans: scans.length,
      summary: {
        wallMsMedian: median(scans.map((s) => s.wallMs)),
        wallMsMax: Math.max(...scans.map((s) => s.wallMs)),
        hubCpuSecondsMedian: median(scans.map((s) => s.hubCpuSeconds)),
        hubCpuPercentMedian: median(scans.map((s) => s.hubCpuPercent)),
        hubCpuMsPerClusterMedian: median(scans.map((s) => s.hubCpuMsPerCluster)),
        missing: scans.reduce((a, s) => a + s.missing, 0),
        failed: scans.reduce((a, s) => a + s.failed, 0),
      },
      setupSeconds,
      hubRssMiBAfter: hubRssMiB,
      agentsExited: f.agentsExit.exited,
      ...(f.agentsExit.first ? { firstAgentExit: f.agentsExit.first } : {}),
      perScan: scans,
    };
  } catch (e) {
    for (const log of logs) progress(`[${n}] ${log}:\n${await logTail(log)}`);
    throw e;
  } finally {
    await teardown.run();
  }
}
