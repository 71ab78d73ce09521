// One fleet size: a fresh hub, mcp-sim with N one-node clusters, and N pull agents with the real
// member side in their own process (bench/lib/member-agents.ts); every Cluster Ready; the probe
// placed on every member (warm-up, `firstPropagationMs`); then the measured writes (measure.ts).
// Everything started is undone by the caller's Teardown, on failure too.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fleetState, issueTokens } from "../heartbeat/fleet.ts";
import { HubClient } from "../lib/hub-client.ts";
import { startHubProcess } from "../lib/hub-process.ts";
import { round } from "../lib/latency.ts";
import { startAgentsProcess } from "../lib/member-agents-process.ts";
import { progress } from "../lib/phase.ts";
import { startSimProcess } from "../sim/sim-process.ts";
import type { PropagationBenchConfig } from "./config.ts";
import { latencyMs, measure } from "./measure.ts";
import { MemberWatches } from "./member-watch.ts";
import { createProbe } from "./probe.ts";
import { logTail, type Teardown } from "./teardown.ts";
import { HubWorkWatch } from "./work-watch.ts";

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

/** Runs fn as a named setup step, recording its seconds. */
function stepper(n: number, setup: Record<string, number>) {
  return async <T>(name: string, what: string, fn: () => Promise<T>): Promise<T> => {
    progress(`[${n}] ${what}`);
    const t = performance.now();
    const out = await fn();
    setup[name] = round((performance.now() - t) / 1000);
    return out;
  };
}

/** Hub, mcp-sim, tokens and agents, until every Cluster is Ready. */
async function startFleet(cfg: PropagationBenchConfig, n: number, teardown: Teardown, logs: string[]) {
  const setup: Record<string, number> = {};
  const step = stepper(n, setup);
  const workDir = await mkdtemp(join(cfg.dataParent ?? tmpdir(), "mcp-bench-propagation-"));
  teardown.add("temp dir", () => rm(workDir, { recursive: true, force: true }));
  const hub = await step("hubSeconds", "starting mcp-server", () =>
    startHubProcess({
      durability: cfg.durability,
      logLevel: cfg.logLevel,
      cpuProfDir: cfg.cpuProfDir,
      parentDir: cfg.dataParent,
    }),
  );
  teardown.add("mcp-server", () => hub.stop());
  logs.push(hub.logPath);
  const client = await HubClient.fromKubeconfig(hub.kubeconfigPath, { maxSockets: cfg.concurrency });
  teardown.add("hub client", () => client.close());
  const sim = await step("simSeconds", `starting mcp-sim --clusters ${n} --nodes ${cfg.nodes}`, () =>
    startSimProcess({
      clusters: n,
      nodes: cfg.nodes,
      logLevel: cfg.memberLogLevel,
      startTimeoutMs: 900_000,
      parentDir: cfg.dataParent,
    }),
  );
  teardown.add("mcp-sim", () => sim.stop());
  logs.push(sim.logPath);
  const names = sim.kubeconfigs.map((k) => basename(k, ".kubeconfig"));
  const tokens = await step("tokensSeconds", `issuing ${n} bootstrap tokens`, () =>
    issueTokens(client, n, cfg.concurrency),
  );
  const agents = await step("agentsSeconds", `starting ${n} agents at ${cfg.startRate}/s`, () =>
    startAgentsProcess({
      hubAgentUrl: hub.agentUrl,
      hubCaPath: hub.caPath,
      agents: names.map((name, i) => ({ name, token: tokens[i] })),
      kubeconfigDir: sim.outDir,
      workDir,
      work: true,
      startRate: cfg.startRate,
      logLevel: cfg.memberLogLevel,
      cpuProfDir: cfg.cpuProfDir,
    }),
  );
  logs.push(agents.logPath);
  const exit: { exited?: number; first?: string } = {};
  teardown.add("agents", async () => Object.assign(exit, await agents.stop()));
  await step("readySeconds", `waiting for ${n} clusters Ready`, () =>
    waitReady(client, n, cfg.readyTimeoutS * 1000),
  );
  return { hub, client, sim, names, agents, agentsExit: exit, setup, step };
}

export async function runSize(cfg: PropagationBenchConfig, n: number, teardown: Teardown) {
  const setupStart = performance.now();
  const logs: string[] = [];
  try {
    const f = await startFleet(cfg, n, teardown, logs);
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
