// One fleet size: a fresh hub, mcp-sim with N one-node clusters, and N pull agents with the real
// member side in their own process (bench/lib/fleet-processes.ts); every Cluster Ready; the probe
// placed on every member (warm-up, `firstPropagationMs`); then the measured writes (measure.ts).
// Everything started is undone by the caller's Teardown, on failure too.
import { setTimeout as sleep } from "node:timers/promises";
import { startFleetProcesses } from "../lib/fleet-processes.ts";
import { round } from "../lib/latency.ts";
import { progress } from "../lib/phase.ts";
import { logTail, type Teardown } from "../lib/teardown.ts";
import type { PropagationBenchConfig } from "./config.ts";
import { latencyMs, measure } from "./measure.ts";
import { MemberWatches } from "./member-watch.ts";
import { createProbe } from "./probe.ts";
import { HubWorkWatch } from "./work-watch.ts";

export async function runSize(cfg: PropagationBenchConfig, n: number, teardown: Teardown) {
  const setupStart = performance.now();
  const logs: string[] = [];
  try {
    const f = await startFleetProcesses({
      cfg,
      n,
      teardown,
      logs,
      tempPrefix: "mcp-bench-propagation-",
      member: { work: true },
    });
    const members = await f.step("watchSeconds", `opening ${n} member watches`, () =>
      MemberWatches.open(f.names, f.sim.kubeconfigs),
    );
    teardown.add("member watches", () => members.close());
    const first = await f.step(
      "warmupSeconds",
      "first propagation: Namespace, policy and probe",
      async () => {
        const x = members.tracker.expect(0, cfg.warmupTimeoutS * 1000);
        x.setStart(performance.now());
        await createProbe(f.client);
        const a = await x.arrivals;
        if (a.missing.length)
          throw new Error(`warm-up: ${a.missing.length} members never got the probe (${a.missing[0]}, ...)`);
        return a;
      },
    );
    const setupSeconds = round((performance.now() - setupStart) / 1000);
    const works = await HubWorkWatch.open(f.client, f.names);
    teardown.add("hub Work watch", () => works.close());
    await sleep(cfg.pauseMs);

    const m = await measure(
      cfg,
      f.client,
      { members, works },
      {
        hub: f.hub.pid,
        sim: f.sim.pid,
        agents: f.agents.pid,
      },
    );
    await teardown.run(); // stops the agents, which report how many ended on their own
    const { perIteration, usage, ...results } = m;
    return {
      clusters: n,
      iterations: cfg.iterations,
      ...results,
      hubCpuPercent: usage.hub.cpuPercent,
      setupSeconds,
      setup: f.setup,
      firstPropagationMs: latencyMs(first.latenciesMs),
      usage,
      watchesReopened: members.reopened,
      agentsExited: f.agentsExit.exited,
      ...(f.agentsExit.first ? { firstAgentExit: f.agentsExit.first } : {}),
      perIteration,
    };
  } catch (e) {
    for (const log of logs) progress(`[${n}] ${log}:\n${await logTail(log)}`);
    throw e;
  }
}
