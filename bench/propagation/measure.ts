// The measured writes, one after another: each timed from just before the hub write to the moment
// each member's watch shows it, and split into stages by the hub's Work watch — hub (write → the
// cluster's Work carries it), delivery (→ the member shows it: stream, agent apply, simulator) and
// ack (→ the Work's status acknowledges it). CPU and RSS of every process cover the whole run.
import { setTimeout as sleep } from "node:timers/promises";
import { histogramDelta, parseHistogram, summarize } from "../heartbeat/histogram.ts";
import type { HubClient } from "../lib/hub-client.ts";
import { LatencyRecorder, round } from "../lib/latency.ts";
import { progress } from "../lib/phase.ts";
import { sampleMachine, sampleProcess, sampleSelf } from "../lib/proc-stats.ts";
import type { PropagationBenchConfig } from "./config.ts";
import type { MemberWatches } from "./member-watch.ts";
import { writeProbe } from "./probe.ts";
import type { Arrivals } from "./seq-tracker.ts";
import type { HubWorkWatch } from "./work-watch.ts";

const HUB_LATENCY = "mcp_propagation_latency_seconds";
const WORK_WRITES = "mcp_work_writes_total";
/** How much longer than the slowest member the hub's Work watch may take to show a write's stages. */
const STAGE_GRACE_MS = 5000;
/** Missing clusters named in the result, at most. */
const NAMED_MISSING = 10;

export function latencyMs(samples: LatencyRecorder | number[]) {
  const rec = samples instanceof LatencyRecorder ? samples : new LatencyRecorder();
  if (Array.isArray(samples)) for (const ms of samples) rec.record(ms);
  const s = rec.summary(0);
  return { count: s.count, p50: s.p50Ms, p90: s.p90Ms, p99: s.p99Ms, max: s.maxMs, mean: s.meanMs };
}

export interface Watches {
  members: MemberWatches;
  works: HubWorkWatch;
}

/** Each member's stages of one write; members with a stage missing are counted, not recorded. */
class Stages {
  readonly hub = new LatencyRecorder();
  readonly delivery = new LatencyRecorder();
  readonly ack = new LatencyRecorder();
  incomplete = 0;

  add(seen: Arrivals, written: Arrivals, acked: Arrivals): void {
    seen.byMember.forEach((at, i) => {
      const work = written.byMember[i];
      const ack = acked.byMember[i];
      if (at === undefined || work === undefined || ack === undefined) {
        this.incomplete++;
        return;
      }
      this.hub.record(work);
      this.delivery.record(at - work);
      this.ack.record(ack - at);
    });
  }

  summary() {
    return {
      hub: latencyMs(this.hub),
      delivery: latencyMs(this.delivery),
      ack: latencyMs(this.ack),
      incomplete: this.incomplete,
    };
  }
}

/** One write of sequence number seq and where it went. */
async function measuredWrite(cfg: PropagationBenchConfig, client: HubClient, w: Watches, seq: number) {
  const timeoutMs = cfg.iterationTimeoutS * 1000;
  const seen = w.members.tracker.expect(seq, timeoutMs);
  const written = w.works.written.expect(seq, timeoutMs);
  const acked = w.works.acked.expect(seq, timeoutMs);
  const t0 = performance.now();
  for (const e of [seen, written, acked]) e.setStart(t0);
  await writeProbe(client, seq);
  const writeMs = performance.now() - t0;
  const members = await seen.arrivals;
  // The hub's stages get a little longer than the slowest member, then count as incomplete.
  written.cutOff(STAGE_GRACE_MS);
  acked.cutOff(STAGE_GRACE_MS);
  return { writeMs, members, written: await written.arrivals, acked: await acked.arrivals };
}

/** The hub's propagation metrics, when it exports them. */
async function hubMetrics(client: HubClient) {
  const res = await client.request("GET", "/metrics");
  const text = res.status === 200 ? res.body : "";
  const writes = new RegExp(`^${WORK_WRITES} (\\S+)$`, "m").exec(text);
  return {
    latency: parseHistogram(text, HUB_LATENCY),
    workWrites: writes ? Number(writes[1]) : undefined,
  };
}

/** Samples every process of the run (and the machine) until stop(). */
function sampleAll(pids: { hub: number; sim: number; agents: number }) {
  const s = {
    hub: sampleProcess(pids.hub, 500),
    sim: sampleProcess(pids.sim, 500),
    agents: sampleProcess(pids.agents, 500),
    bench: sampleSelf(),
    machine: sampleMachine(),
  };
  return {
    stop() {
      const u = {
        hub: s.hub.stop(),
        sim: s.sim.stop(),
        agents: s.agents.stop(),
        bench: s.bench.stop(),
        machine: s.machine.stop(),
      };
      const ours = u.hub.cpuPercent + u.sim.cpuPercent + u.agents.cpuPercent + u.bench.cpuPercent;
      // On a shared machine: CPU that none of the benchmark's processes used.
      return { ...u, othersCpuPercent: round(Math.max(0, u.machine.cpuPercent - ours)) };
    },
  };
}

export async function measure(
  cfg: PropagationBenchConfig,
  client: HubClient,
  w: Watches,
  pids: { hub: number; sim: number; agents: number },
) {
  const latency = new LatencyRecorder();
  const write = new LatencyRecorder();
  const stages = new Stages();
  const perIteration: { seq: number; p50: number; max: number; seen: number }[] = [];
  const missingClusters = new Set<string>();
  let missing = 0;
  const h0 = await hubMetrics(client);
  progress(`measuring: ${cfg.iterations} writes`);
  const sampler = sampleAll(pids);
  // CLOCK_MONOTONIC in µs, the clock of V8's .cpuprofile timestamps: cuts a profile to this window.
  const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
  const window = { monotonicStartUs: monotonicUs(), monotonicEndUs: 0 };
  try {
    for (let seq = 1; seq <= cfg.iterations; seq++) {
      const r = await measuredWrite(cfg, client, w, seq);
      write.record(r.writeMs);
      for (const ms of r.members.latenciesMs) latency.record(ms);
      stages.add(r.members, r.written, r.acked);
      missing += r.members.missing.length;
      for (const name of r.members.missing.slice(0, NAMED_MISSING)) missingClusters.add(name);
      const it = latencyMs(r.members.latenciesMs);
      perIteration.push({ seq, p50: it.p50, max: it.max, seen: it.count });
      progress(`write ${seq}: ${it.count} members, p50 ${it.p50} ms, max ${it.max} ms`);
      await sleep(cfg.pauseMs);
    }
  } catch (e) {
    sampler.stop(); // or its timers would keep the process alive
    throw e;
  }
  const usage = sampler.stop();
  window.monotonicEndUs = monotonicUs();
  const h1 = await hubMetrics(client);
  return {
    latencyMs: latencyMs(latency),
    missing,
    missingClusters: [...missingClusters].slice(0, NAMED_MISSING),
    writeMs: latencyMs(write),
    stagesMs: stages.summary(),
    usage,
    // The hub's own view (work builder observing the change → the member's ack), when exported.
    hubHistogram: h1.latency ? summarize(histogramDelta(h1.latency, h0.latency)) : null,
    // Work objects the hub's builder wrote for these writes (a burst coalesces into few).
    hubWorkWrites: h1.workWrites === undefined ? null : h1.workWrites - (h0.workWrites ?? 0),
    ...(cfg.cpuProfDir ? { profileWindow: window } : {}),
    perIteration,
  };
}
