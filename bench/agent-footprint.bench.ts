// Agent footprint benchmark (SPEC: "under 64 MiB RSS for a cluster with 100 nodes"): the real
// mcp-server, one mcp-sim cluster of BENCH_NODES nodes, and one real mcp-agent process — the
// shipped entry with bin/mcp-agent's Node flags — registered with a bootstrap token. The agent is
// given its full steady-state job: heartbeats with the member's status every BENCH_INTERVAL_S,
// a few propagated objects (Work applies, drift resyncs), and a ClusterPolicy it audits. Its
// memory is sampled from /proc/<pid>/status (VmRSS split into anonymous and file-backed, VmHWM)
// from spawn to exit, with the heap it reports itself. Printed: `baseline` (registered, first
// status sent), `loaded` (Works applied, first audit reported), the measured `steady` window,
// `peak` (VmHWM), and memory after one diagnostic scan. `met` judges the steady window's
// largest RSS sample against 64 MiB.
// Prints one JSON object on stdout; progress on stderr.
// Usage: npx node bench/agent-footprint.bench.ts   (switches: bench/agent-footprint/config.ts)
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type AgentProcess,
  launcherNodeFlags,
  startAgentProcess,
  warmCompileCache,
} from "./agent-footprint/agent-process.ts";
import { type FootprintConfig, footprintConfig } from "./agent-footprint/config.ts";
import { MemoryRecorder, spanSummary, timeline } from "./agent-footprint/memory.ts";
import {
  applied,
  clusterState,
  createPolicy,
  diagnosed,
  policyReported,
  propagate,
  setSyncInterval,
  startScan,
  until,
} from "./agent-footprint/workload.ts";
import { issueTokens } from "./heartbeat/fleet.ts";
import { HubClient } from "./lib/hub-client.ts";
import { startHubProcess } from "./lib/hub-process.ts";
import { round } from "./lib/latency.ts";
import { progress } from "./lib/phase.ts";
import { sampleProcess } from "./lib/proc-stats.ts";
import { requireNode24, runBenchmark, runHeader } from "./lib/report.ts";
import { logTail, Teardown, tearDownOnSignals } from "./lib/teardown.ts";
import { startSimProcess } from "./sim/sim-process.ts";

const TARGET_MIB = 64;

async function measure(cfg: FootprintConfig, teardown: Teardown) {
  const work = await mkdtemp(join(cfg.dataParent ?? tmpdir(), "mcp-bench-footprint-"));
  teardown.add("temp dir", () => rm(work, { recursive: true, force: true }));
  const logs: string[] = [];
  let agent: AgentProcess | undefined;
  try {
    progress("starting mcp-server");
    const hub = await startHubProcess({
      durability: cfg.durability,
      logLevel: cfg.logLevel,
      parentDir: cfg.dataParent,
    });
    teardown.add("mcp-server", () => hub.stop());
    logs.push(hub.logPath);
    const client = await HubClient.fromKubeconfig(hub.kubeconfigPath, { maxSockets: 4 });
    teardown.add("hub client", () => client.close());
    progress(`starting mcp-sim --clusters 1 --nodes ${cfg.nodes}`);
    const sim = await startSimProcess({
      clusters: 1,
      nodes: cfg.nodes,
      logLevel: cfg.logLevel,
      startTimeoutMs: 120_000,
      parentDir: cfg.dataParent,
    });
    teardown.add("mcp-sim", () => sim.stop());
    logs.push(sim.logPath);
    const kubeconfig = sim.kubeconfigs[0];
    const name = basename(kubeconfig, ".kubeconfig");
    const member = await HubClient.fromKubeconfig(kubeconfig, { maxSockets: 2 });
    teardown.add("member client", () => member.close());
    const [token] = await issueTokens(client, 1, 1);

    const agentDir = join(work, "agent");
    await mkdir(agentDir);
    const logPath = join(work, "agent.log");
    logs.push(logPath);
    // As a restarted agent runs (bin/mcp-agent keeps Node's compile cache): warm, unless the
    // run asks for a first start (BENCH_COLD_START=1).
    const compileCache = join(work, "compile-cache");
    const nodeFlags = cfg.agentNodeFlags ?? (await launcherNodeFlags());
    if (!cfg.coldStart) await warmCompileCache(compileCache, nodeFlags);
    agent = await startAgentProcess({
      compileCache,
      hubAgentUrl: hub.agentUrl,
      hubCaPath: hub.caPath,
      clusterName: name,
      token,
      kubeconfig,
      stateDir: join(work, "state"),
      labels: "env=bench",
      logLevel: cfg.agentLogLevel,
      nodeFlags,
      ...(cfg.heapProbe ? { heapLog: join(work, "heap.jsonl") } : {}),
      heapSampleMs: Math.max(cfg.sampleMs, 250),
      cwd: cfg.heapSnapshotDir ?? agentDir,
      heapSnapshots: cfg.heapSnapshotDir !== undefined,
      logPath,
    });
    const proc = agent;
    progress(`mcp-agent ${proc.pid} started (node ${proc.nodeFlags.join(" ") || "without flags"})`);
    teardown.add("mcp-agent", () => proc.stop());
    const memory = new MemoryRecorder(proc.pid, cfg.sampleMs);
    teardown.add("memory sampler", () => memory.stop());
    const timeoutMs = cfg.timeoutS * 1000;
    const alive = () => {
      const exit = proc.exited();
      if (exit !== undefined) throw new Error(`mcp-agent exited (${exit})`);
    };

    await until(`${name} Ready`, timeoutMs, async () => {
      alive();
      return (await clusterState(client, name))?.ready ? true : undefined;
    });
    const readyAt = memory.sample()?.at ?? performance.now();
    progress(`${name} Ready after ${round((readyAt - proc.spawnedAt) / 1000)} s`);
    await setSyncInterval(client, name, cfg.intervalS);

    progress(`propagating ${cfg.works} ConfigMaps and a Deployment`);
    await propagate(client, cfg.works);
    await until("the Works applied at the member", timeoutMs, () => applied(member, cfg.works));
    progress("creating a ClusterPolicy");
    await createPolicy(client);
    const audited = await until("the PolicyReport", timeoutMs, () => policyReported(client, name));
    const loadedAt = memory.sample()?.at ?? performance.now();
    progress(`audit reported ${audited} objects; steady window of ${cfg.windowS} s`);

    const cpu = sampleProcess(proc.pid, 1000);
    await sleep(cfg.windowS * 1000);
    alive();
    const windowEnd = memory.sample()?.at ?? performance.now();
    const agentCpu = cpu.stop();
    const end = await clusterState(client, name);
    const heartbeatAgeS = end?.lastHeartbeatTime
      ? round((Date.now() - Date.parse(end.lastHeartbeatTime)) / 1000)
      : null;
    const snapshot = cfg.heapSnapshotDir ? await proc.heapSnapshot() : undefined;
    if (snapshot) progress(`heap snapshot: ${snapshot}`);

    let diagnose: object | null = null;
    if (cfg.diagnose) {
      progress("one diagnostic scan");
      const t0 = performance.now();
      await startScan(client, "footprint-1", name);
      const score = await until("the DiagnosticReport", timeoutMs, () => diagnosed(client, "footprint-1"));
      const wallMs = round(performance.now() - t0);
      await sleep(2000);
      const after = memory.sample();
      diagnose = { wallMs, score, rssMiB: round(after?.rssMiB ?? 0), hwmMiB: round(after?.hwmMiB ?? 0) };
    }
    memory.stop();
    const heap = await proc.heapSamples();
    const steady = spanSummary(memory, heap, { from: loadedAt, to: windowEnd });
    return {
      cluster: name,
      agentNodeFlags: proc.nodeFlags,
      auditedObjects: audited,
      baseline: { atSeconds: round((readyAt - proc.spawnedAt) / 1000), ...spanAt(memory, heap, readyAt) },
      loaded: { atSeconds: round((loadedAt - proc.spawnedAt) / 1000), ...spanAt(memory, heap, loadedAt) },
      steady: { ...steady, cpuPercent: agentCpu.cpuPercent },
      peak: {
        hwmMiB: steady.hwmMiB,
        heapUsedMaxMiB: spanSummary(memory, heap, { from: proc.spawnedAt, to: windowEnd }).heapUsedMiB?.max,
      },
      end: { ready: end?.ready ?? false, heartbeatAgeS },
      diagnose,
      timeline: timeline(memory, heap, proc.spawnedAt, 5),
    };
  } catch (e) {
    for (const path of logs) progress(`--- ${path} ---\n${await logTail(path, 20)}`);
    throw e;
  }
}

/** Memory at one moment: the last /proc sample and agent heap sample at or before it. */
function spanAt(memory: MemoryRecorder, heap: Parameters<typeof spanSummary>[1], at: number) {
  const s = spanSummary(memory, heap, { from: 0, to: at });
  return {
    rssMiB: s.rssMiB.last,
    anonMiB: s.anonMiB.last,
    fileMiB: s.fileMiB.last,
    ...(s.heapUsedMiB ? { heapUsedMiB: s.heapUsedMiB.last } : {}),
  };
}

async function main(): Promise<number> {
  requireNode24();
  const cfg = footprintConfig();
  const teardown = new Teardown();
  tearDownOnSignals(teardown);
  const startedAt = new Date().toISOString();
  let result: Awaited<ReturnType<typeof measure>>;
  try {
    result = await measure(cfg, teardown);
  } finally {
    await teardown.run();
  }
  const out = {
    ...runHeader("agent-footprint", startedAt),
    config: cfg,
    target: `RSS < ${TARGET_MIB} MiB for a cluster with 100 nodes`,
    // null when the member was not the SPEC's size.
    met: cfg.nodes === 100 ? result.steady.rssMiB.max < TARGET_MIB : null,
    ...result,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

runBenchmark("agent-footprint", main);
