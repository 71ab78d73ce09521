// One measured fleet scan: a watch on the scan's DiagnosticReports is opened first (the bench
// names the scan, so it knows the label), then the DiagnosticScan is created, and the scan's wall
// time runs from just before that POST to the moment the watch shows the last cluster's report —
// i.e. until every report is stored at the hub. CPU of the hub, mcp-sim, the agents and this
// process is sampled over the same span.
import { createInterface } from "node:readline";
import type { HubClient } from "../lib/hub-client.ts";
import { LatencyRecorder, round } from "../lib/latency.ts";
import { progress } from "../lib/phase.ts";
import { sampleMachine, sampleProcess, sampleSelf } from "../lib/proc-stats.ts";

const SCANS = "/apis/mcp.platform/v1/diagnosticscans";
const REPORTS = "/apis/mcp.platform/v1/namespaces/mcp-system/diagnosticreports";

interface ReportEvent {
  type: string;
  object: {
    metadata?: { labels?: Record<string, string> };
    spec?: { cluster?: string };
    status?: { score?: number; error?: string; summary?: { error: number; warning: number; info: number } };
  };
}

export interface Pids {
  hub: number;
  sim: number;
  agents: number;
}

export async function measureScan(
  client: HubClient,
  scanId: string,
  n: number,
  pids: Pids,
  timeoutMs: number,
) {
  const ac = new AbortController();
  const query = new URLSearchParams({ watch: "1", labelSelector: `mcp.platform/scan=${scanId}` });
  const stream = await client.stream(`${REPORTS}?${query}`, ac.signal);
  const arrivals = new LatencyRecorder();
  const scores: number[] = [];
  const failed: string[] = [];
  const seen = new Set<string>();
  let t0 = 0;
  let firstMs = 0;
  let allIn: () => void = () => {};
  const complete = new Promise<void>((resolve) => {
    allIn = resolve;
  });
  const lines = createInterface({ input: stream });
  lines.on("line", (line) => {
    if (!line.trim()) return;
    const ev = JSON.parse(line) as ReportEvent;
    const cluster = ev.object.spec?.cluster;
    if ((ev.type !== "ADDED" && ev.type !== "MODIFIED") || !cluster || seen.has(cluster)) return;
    if (ev.object.metadata?.labels?.["mcp.platform/scan"] !== scanId) return;
    seen.add(cluster);
    const at = performance.now() - t0;
    if (seen.size === 1) firstMs = at;
    arrivals.record(at);
    if (ev.object.status?.error) failed.push(`${cluster}: ${ev.object.status.error}`);
    else if (ev.object.status?.score !== undefined) scores.push(ev.object.status.score);
    if (seen.size === n) allIn();
  });
  lines.on("error", () => {});
  const samplers = {
    hub: sampleProcess(pids.hub, 250),
    sim: sampleProcess(pids.sim, 250),
    agents: sampleProcess(pids.agents, 250),
  };
  const self = sampleSelf();
  // The whole machine too: on a shared machine, other processes' CPU shows up here and explains
  // a scan that waited without any of the fleet's processes being busy.
  const machine = sampleMachine();
  const stop = () => ({
    hub: samplers.hub.stop(),
    sim: samplers.sim.stop(),
    agents: samplers.agents.stop(),
    bench: self.stop(),
    machine: machine.stop(),
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    t0 = performance.now();
    const created = await client.json<{ status: { clusters?: string[]; offline?: string[] } }>(
      "POST",
      SCANS,
      {
        apiVersion: "mcp.platform/v1",
        kind: "DiagnosticScan",
        metadata: { name: scanId },
        spec: { all: true },
      },
    );
    const postMs = performance.now() - t0;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([complete, timedOut]);
    const wallMs = performance.now() - t0;
    const usage = stop();
    const a = arrivals.summary(wallMs);
    progress(
      `${scanId}: ${seen.size}/${n} reports in ${round(wallMs)} ms, hub CPU ${usage.hub.cpuSeconds} s (${usage.hub.cpuPercent}% of one core)`,
    );
    return {
      scan: scanId,
      clusters: created.status.clusters?.length ?? 0,
      offline: created.status.offline?.length ?? 0,
      reports: seen.size,
      missing: n - seen.size,
      failed: failed.length,
      ...(failed.length ? { firstFailure: failed[0] } : {}),
      wallMs: round(wallMs),
      createMs: round(postMs),
      reportsPerSecond: round((seen.size * 1000) / wallMs),
      reportArrivalMs: { first: round(firstMs), p50: a.p50Ms, p90: a.p90Ms, last: a.maxMs },
      hubCpuSeconds: usage.hub.cpuSeconds,
      hubCpuPercent: usage.hub.cpuPercent,
      hubCpuMsPerCluster: round((usage.hub.cpuSeconds * 1000) / Math.max(1, seen.size)),
      score: scores.length ? { min: Math.min(...scores), max: Math.max(...scores) } : null,
      usage,
    };
  } finally {
    clearTimeout(timer);
    ac.abort();
    lines.close();
  }
}
