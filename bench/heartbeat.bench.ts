// Heartbeat benchmark: BENCH_CLUSTERS pull-mode clusters (default 1,000) at a BENCH_INTERVAL_S
// (default 10 s) interval against one real mcp-server process. Bootstrap tokens come from the
// API; the agents are the agent library run in this process (one gRPC stream each, a synthetic
// 10-node member status in place of a kube-apiserver). After registration and one interval of
// settling, it measures a BENCH_WINDOW_S window: hub CPU and RSS from /proc, heartbeat processing
// latency from the hub's own histogram (mcp_hub_heartbeat_duration_seconds), end-to-end latency
// (agent send → lastHeartbeatTime stamped, and → seen by a watch), and that every cluster is Ready
// at the end. SPEC target: the hub under 50% of one core. Prints one JSON object on stdout.
// Usage: npx node bench/heartbeat.bench.ts   (sizes and switches: bench/heartbeat/config.ts)
import { formatDuration } from "../src/cli/duration.ts";
import { benchConfig, type HeartbeatBenchConfig } from "./heartbeat/config.ts";
import { fleetState, issueTokens, patchIntervals, startFleet } from "./heartbeat/fleet.ts";
import { type Histogram, histogramDelta, parseHistogram, summarize } from "./heartbeat/histogram.ts";
import { HeartbeatWatch } from "./heartbeat/watch.ts";
import { HubClient } from "./lib/hub-client.ts";
import { startHubProcess } from "./lib/hub-process.ts";
import { round } from "./lib/latency.ts";
import { measurePhase, progress } from "./lib/phase.ts";
import { rssMiB, sampleProcess, sampleSelf } from "./lib/proc-stats.ts";
import { requireNode24, runBenchmark, runHeader } from "./lib/report.ts";

const HEARTBEAT = "mcp_hub_heartbeat_duration_seconds";
const WRITE = "mcp_cluster_heartbeat_write_seconds";

async function metrics(
  client: HubClient,
): Promise<{ text: string; get(name: string): Histogram | undefined }> {
  const res = await client.request("GET", "/metrics");
  if (res.status !== 200) throw new Error(`GET /metrics: HTTP ${res.status}`);
  return { text: res.body, get: (name) => parseHistogram(res.body, name) };
}

function gauge(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Polls the fleet until pred holds, logging progress; fails after timeoutMs. */
async function waitFleet(
  client: HubClient,
  interval: string,
  what: string,
  pred: (s: Awaited<ReturnType<typeof fleetState>>) => boolean,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const s = await fleetState(client, interval);
    const line = `${what}: ${s.total} clusters, ${s.ready} Ready, ${s.atInterval} at ${interval}`;
    if (pred(s)) return s;
    if (line !== last) progress(line);
    last = line;
    if (Date.now() > deadline) throw new Error(`timed out: ${line}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function run(cfg: HeartbeatBenchConfig) {
  const hubArgs = ["--durability", cfg.durability, "--log-level", cfg.logLevel];
  const t0 = performance.now();
  const hub = await startHubProcess({
    durability: cfg.durability,
    logLevel: cfg.logLevel,
    cpuProfDir: cfg.cpuProfDir,
    parentDir: cfg.dataParent,
  });
  const startupMs = round(performance.now() - t0);
  progress(`hub pid ${hub.pid} serving on ${hub.url}, agents on ${hub.agentUrl}, log ${hub.logPath}`);
  const client = await HubClient.fromKubeconfig(hub.kubeconfigPath, { maxSockets: cfg.concurrency });
  const interval = formatDuration(cfg.intervalS * 1000);
  const watch = new HeartbeatWatch();
  // Heartbeats the agents hand to their streams, counted during the window only.
  const sends = { counting: false, count: 0 };
  const onSend = (name: string) => {
    if (sends.counting) sends.count++;
    watch.sent(name);
  };
  let fleet: Awaited<ReturnType<typeof startFleet>> | undefined;
  try {
    const rssIdleMiB = round(rssMiB(hub.pid));
    const n = cfg.clusters;
    let issued: string[] = [];
    const tokens = await measurePhase(`bootstrap tokens x${n}`, hub.pid, async () => {
      issued = await issueTokens(client, n, cfg.concurrency);
      return { count: issued.length };
    });
    const register = await measurePhase(`register ${n} agents at ${cfg.startRate}/s`, hub.pid, async () => {
      fleet = await startFleet({
        hubAgentUrl: hub.agentUrl,
        hubCaPath: hub.caPath,
        tokens: issued,
        nodes: cfg.nodes,
        startRate: cfg.startRate,
        onSend,
      });
      const s = await waitFleet(
        client,
        interval,
        "registering",
        (s) => s.ready === n,
        cfg.readyTimeoutS * 1000,
      );
      return { clusters: s.total, ready: s.ready };
    });
    const names = fleet!.names;
    const settle = await measurePhase(`syncInterval ${interval} for every cluster`, hub.pid, async () => {
      await patchIntervals(client, names, {
        interval,
        spreadMs: cfg.intervalS * 1000,
        concurrency: cfg.concurrency,
      });
      // One more interval so every agent has beaten on the new cadence before measuring.
      await new Promise((r) => setTimeout(r, cfg.intervalS * 1000 + 1000));
      const s = await waitFleet(
        client,
        interval,
        "settling",
        (s) => s.atInterval === n && s.ready === n,
        60_000,
      );
      return { atInterval: s.atInterval };
    });

    // The measured window.
    const before = await fleetState(client, interval);
    if (cfg.watch) await watch.open(client, before.resourceVersion);
    const m0 = await metrics(client);
    sends.counting = true;
    watch.start();
    progress(`window: ${cfg.windowS}s of steady heartbeats`);
    const server = sampleProcess(hub.pid, 500);
    const self = sampleSelf();
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, cfg.windowS * 1000));
    const windowMs = performance.now() - w0;
    const hubUsage = server.stop();
    const clientUsage = self.stop();
    watch.stop();
    sends.counting = false;
    const m1 = await metrics(client);
    // The last heartbeats of the window reach the watch a moment later.
    await new Promise((r) => setTimeout(r, 1000));
    watch.close();
    const processed = histogramDelta(m1.get(HEARTBEAT)!, m0.get(HEARTBEAT));
    const writes = histogramDelta(m1.get(WRITE)!, m0.get(WRITE));
    progress(
      `window done: hub CPU ${hubUsage.cpuPercent.toFixed(1)}% of one core, ${processed.count} heartbeats`,
    );

    const end = await fleetState(client, interval);
    const exited = fleet!.exited();
    return {
      hubArgs,
      startupMs,
      rssIdleMiB,
      phases: { tokens, register, settle },
      window: {
        seconds: round(windowMs / 1000),
        hub: hubUsage,
        client: clientUsage,
        heartbeats: {
          expected: Math.round((n * windowMs) / 1000 / cfg.intervalS),
          sent: sends.count,
          processed: processed.count,
          perSecond: round(processed.count / (windowMs / 1000)),
        },
        hubProcessing: summarize(processed),
        statusWrite: summarize(writes),
        endToEnd: cfg.watch
          ? {
              sendToStamp: watch.toStamp.summary(windowMs),
              sendToWatch: watch.toWatch.summary(windowMs),
              watchErrors: watch.errors,
            }
          : undefined,
      },
      end: {
        clusters: end.total,
        ready: end.ready,
        allReady: end.ready === n && end.total === n,
        connectedAgents: gauge(m1.text, "mcp_hub_connected_agents"),
        agentsExited: exited.count,
        ...(exited.first ? { firstExit: exited.first } : {}),
      },
      target: {
        hubCpuPercentOfOneCore: 50,
        met: hubUsage.cpuPercent < 50 && end.ready === n,
      },
    };
  } finally {
    watch.close();
    if (fleet) await fleet.stop();
    client.close();
    await hub.stop();
  }
}

async function main(): Promise<void> {
  requireNode24();
  const cfg = benchConfig();
  const startedAt = new Date().toISOString();
  const result = await run(cfg);
  const out = {
    ...runHeader("heartbeat", startedAt),
    config: cfg,
    ...result,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

runBenchmark("heartbeat", main);
