// One fleet size: a fresh hub, mcp-sim with N clusters, N pull agents (real collector and
// diagnoser, bench/lib/member-agents.ts) in their own process, every Cluster Ready; then BENCH_DIAG_SCANS fleet scans one after
// another, each measured from the DiagnosticScan's creation to its last report stored. Everything
// started is stopped in reverse order, whatever happens.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fleetState, issueTokens } from "../heartbeat/fleet.ts";
import { HubClient } from "../lib/hub-client.ts";
import { startHubProcess } from "../lib/hub-process.ts";
import { round } from "../lib/latency.ts";
import { startAgentsProcess } from "../lib/member-agents-process.ts";
import { progress } from "../lib/phase.ts";
import { rssMiB } from "../lib/proc-stats.ts";
import { startSimProcess } from "../sim/sim-process.ts";
import type { DiagFleetBenchConfig } from "./config.ts";
import { measureScan } from "./scan.ts";

/** Polls the Clusters until all n are Ready. */
async function waitReady(client: HubClient, n: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const s = await fleetState(client, "");
    if (s.ready === n) return;
    const line = `registering: ${s.total}/${n} clusters, ${s.ready} Ready`;
    if (line !== last) progress(line);
    last = line;
    if (Date.now() > deadline) throw new Error(`timed out: ${line}`);
    await sleep(1000);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : 0;
};

async function tail(path: string): Promise<string> {
  try {
    return (await readFile(path, "utf8")).trimEnd().split("\n").slice(-15).join("\n");
  } catch {
    return "(no log)";
  }
}

export async function runSize(cfg: DiagFleetBenchConfig, n: number) {
  const cleanup: (() => Promise<unknown>)[] = [];
  const logs: string[] = [];
  const workDir = await mkdtemp(join(cfg.dataParent ?? tmpdir(), "mcp-bench-diag-"));
  cleanup.push(() => rm(workDir, { recursive: true, force: true }));
  const t0 = performance.now();
  try {
    progress(`[${n}] starting mcp-server`);
    const hub = await startHubProcess({
      durability: cfg.durability,
      logLevel: cfg.logLevel,
      cpuProfDir: cfg.cpuProfDir,
      parentDir: cfg.dataParent,
    });
    cleanup.push(() => hub.stop());
    logs.push(hub.logPath);
    const client = await HubClient.fromKubeconfig(hub.kubeconfigPath, { maxSockets: cfg.concurrency });
    cleanup.push(async () => client.close());

    progress(`[${n}] starting mcp-sim --clusters ${n} --nodes ${cfg.nodes}`);
    const sim = await startSimProcess({
      clusters: n,
      nodes: cfg.nodes,
      logLevel: cfg.memberLogLevel,
      startTimeoutMs: 900_000,
      parentDir: cfg.dataParent,
    });
    cleanup.push(() => sim.stop());
    logs.push(sim.logPath);
    const names = sim.kubeconfigs.map((k) => basename(k, ".kubeconfig"));

    progress(`[${n}] ${n} bootstrap tokens, agents at ${cfg.startRate}/s`);
    const tokens = await issueTokens(client, n, cfg.concurrency);
    const agents = await startAgentsProcess({
      hubAgentUrl: hub.agentUrl,
      hubCaPath: hub.caPath,
      agents: names.map((name, i) => ({ name, token: tokens[i] })),
      kubeconfigDir: sim.outDir,
      workDir,
      diagnose: true,
      startRate: cfg.startRate,
      logLevel: cfg.memberLogLevel,
      cpuProfDir: cfg.cpuProfDir,
    });
    logs.push(agents.logPath);
    let agentsExit: { exited: number; first?: string } | undefined;
    cleanup.push(async () => {
      agentsExit = await agents.stop();
    });
    await waitReady(client, n, cfg.readyTimeoutS * 1000);
    const setupSeconds = round((performance.now() - t0) / 1000);
    // Registration's burst of first heartbeats is over before the first scan.
    await sleep(cfg.pauseMs);

    const pids = { hub: hub.pid, sim: sim.pid, agents: agents.pid };
    const scans = [];
    for (let i = 1; i <= cfg.scans; i++) {
      scans.push(await measureScan(client, `bench-${n}-${i}`, n, pids, cfg.scanTimeoutS * 1000));
      await sleep(cfg.pauseMs);
    }
    const hubRssMiB = round(rssMiB(hub.pid));
    while (cleanup.length > 1) await cleanup.pop()!();
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
      agentsExited: agentsExit?.exited,
      ...(agentsExit?.first ? { firstAgentExit: agentsExit.first } : {}),
      perScan: scans,
    };
  } catch (e) {
    for (const log of logs) progress(`[${n}] ${log}:\n${await tail(log)}`);
    throw e;
  } finally {
    while (cleanup.length) {
      try {
        await cleanup.pop()!();
      } catch (e) {
        progress(`cleanup failed: ${(e as Error).message}`);
      }
    }
  }
}
