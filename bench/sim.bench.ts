// Simulator benchmark: starts the real mcp-sim with BENCH_SIM_CLUSTERS clusters × BENCH_SIM_NODES
// nodes as a child process and measures what running a 1,000-cluster fleet on one machine costs:
// start-up time, steady RSS per cluster, idle CPU, and GET latency (nodes and all pods) across a
// random sample of clusters over HTTPS with their tokens. Prints one JSON object on stdout;
// progress on stderr. Usage: npx node bench/sim.bench.ts   (sizes: bench/sim/config.ts)
import { setTimeout as sleep } from "node:timers/promises";
import { round } from "./lib/latency.ts";
import { measurePhase, progress } from "./lib/phase.ts";
import { rssMiB } from "./lib/proc-stats.ts";
import { requireNode24, runBenchmark, runHeader } from "./lib/report.ts";
import { type SimBenchConfig, simBenchConfig } from "./sim/config.ts";
import { requestPhase, sampleClients, warmUp } from "./sim/requests.ts";
import { type SimProcess, startSimProcess } from "./sim/sim-process.ts";

const NODES_PATH = "/api/v1/nodes";
const PODS_PATH = "/api/v1/pods";

async function start(cfg: SimBenchConfig, clusters: number): Promise<SimProcess> {
  progress(`starting mcp-sim --clusters ${clusters} --nodes ${cfg.nodes}`);
  const sim = await startSimProcess({
    clusters,
    nodes: cfg.nodes,
    logLevel: cfg.logLevel,
    startTimeoutMs: cfg.startTimeoutSeconds * 1000,
    parentDir: cfg.dataParent,
  });
  progress(
    `mcp-sim pid ${sim.pid}: ${clusters} cluster(s) running after ${(sim.startupMs / 1000).toFixed(1)} s`,
  );
  return sim;
}

/** Lets pods start and leases renew, then measures the fleet doing nothing but heartbeats. */
async function idle(cfg: SimBenchConfig, sim: SimProcess, label: string) {
  await sleep(cfg.settleSeconds * 1000);
  const p = await measurePhase(`${label} idle ${cfg.idleSeconds}s`, sim.pid, () =>
    sleep(cfg.idleSeconds * 1000).then(() => ({})),
  );
  return { windowMs: p.wallMs, ...p.server };
}

/** The process's own footprint: one cluster, measured the same way (0 clusters is not a valid fleet). */
async function baseline(cfg: SimBenchConfig) {
  const sim = await start(cfg, 1);
  try {
    return {
      clusters: 1,
      startupMs: round(sim.startupMs),
      reportedStartupMs: sim.reportedStartupMs,
      idle: await idle(cfg, sim, "baseline"),
    };
  } finally {
    await sim.stop();
  }
}

async function fleet(cfg: SimBenchConfig) {
  const sim = await start(cfg, cfg.clusters);
  try {
    const startupRssMiB = round(rssMiB(sim.pid));
    const idleUsage = await idle(cfg, sim, "fleet");
    const clients = await sampleClients(sim.kubeconfigs, cfg.sample, cfg.concurrency);
    try {
      await warmUp(clients, [NODES_PATH, PODS_PATH], cfg.concurrency);
      const opts = { requests: cfg.requests, concurrency: cfg.concurrency };
      const nodes = await measurePhase(`GET ${NODES_PATH} x${cfg.requests}`, sim.pid, () =>
        requestPhase(clients, NODES_PATH, opts),
      );
      const pods = await measurePhase(`GET ${PODS_PATH} x${cfg.requests}`, sim.pid, () =>
        requestPhase(clients, PODS_PATH, opts),
      );
      return {
        startupMs: round(sim.startupMs),
        reportedStartupMs: sim.reportedStartupMs,
        startupRssMiB,
        idle: idleUsage,
        requests: { sampleClusters: clients.length, concurrency: cfg.concurrency, nodes, pods },
      };
    } finally {
      for (const c of clients) c.close();
    }
  } finally {
    await sim.stop();
  }
}

/**
 * RSS a cluster adds: with a baseline, (RSS(N) − RSS(1)) / (N − 1), the marginal cost with the
 * process's fixed part (Node, modules, the first cluster) taken out; without one, RSS(N) / N.
 */
function perCluster(clusters: number, rss: number, baselineRss: number | undefined) {
  if (baselineRss !== undefined && clusters > 1)
    return {
      perClusterMiB: round((rss - baselineRss) / (clusters - 1)),
      method: "(rss - baselineRss) / (clusters - 1)",
    };
  return { perClusterMiB: round(rss / clusters), method: "rss / clusters (no baseline)" };
}

async function main(): Promise<void> {
  requireNode24();
  const cfg = simBenchConfig();
  const startedAt = new Date().toISOString();
  // One after the other: two fleets at once would measure each other.
  const base = cfg.baseline ? await baseline(cfg) : null;
  const run = await fleet(cfg);
  const memory = {
    rssMiB: run.idle.rssMiB,
    baselineRssMiB: base?.idle.rssMiB ?? null,
    ...perCluster(cfg.clusters, run.idle.rssMiB, base?.idle.rssMiB),
  };
  const out = {
    ...runHeader("sim", startedAt),
    config: cfg,
    summary: {
      clusters: cfg.clusters,
      nodesPerCluster: cfg.nodes,
      startupSeconds: round(run.startupMs / 1000),
      rssMiB: memory.rssMiB,
      rssPerClusterMiB: memory.perClusterMiB,
      idleCpuPercent: run.idle.cpuPercent,
      nodesP50Ms: run.requests.nodes.latency.p50Ms,
      nodesP99Ms: run.requests.nodes.latency.p99Ms,
      podsP50Ms: run.requests.pods.latency.p50Ms,
      podsP99Ms: run.requests.pods.latency.p99Ms,
    },
    baseline: base,
    fleet: { clusters: cfg.clusters, nodes: cfg.nodes, ...run },
    memory,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

runBenchmark("sim", main);
