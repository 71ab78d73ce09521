// One fleet size in processes, as the fleet benchmarks (propagation, diag-fleet) start it: a fresh
// hub, mcp-sim serving N clusters, and N pull agents with the real member side in a process of
// their own (member-agents.ts), until every Cluster is Ready. Each step's seconds are recorded;
// everything started is handed to the caller's Teardown, and every log to the caller's list (for a
// post-mortem when the run fails).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fleetState, issueTokens } from "../heartbeat/fleet.ts";
import { startSimProcess } from "../sim/sim-process.ts";
import type { FleetConfig } from "./fleet-config.ts";
import { HubClient } from "./hub-client.ts";
import { startHubProcess } from "./hub-process.ts";
import { round } from "./latency.ts";
import { type AgentsProcessOptions, startAgentsProcess } from "./member-agents-process.ts";
import { progress } from "./phase.ts";
import type { Teardown } from "./teardown.ts";

export interface FleetProcessesOptions {
  cfg: FleetConfig;
  /** Clusters (and agents). */
  n: number;
  teardown: Teardown;
  /** Receives the path of every process's log. */
  logs: string[];
  /** The temp dir's name prefix, e.g. "mcp-bench-propagation-". */
  tempPrefix: string;
  /** What the agents do beyond reporting status. */
  member: Pick<AgentsProcessOptions, "work" | "diagnose">;
}

/** Runs fn as a named setup step of fleet size n, recording its seconds in `setup`. */
function stepper(n: number, setup: Record<string, number>) {
  return async <T>(name: string, what: string, fn: () => Promise<T>): Promise<T> => {
    progress(`[${n}] ${what}`);
    const t = performance.now();
    const out = await fn();
    setup[name] = round((performance.now() - t) / 1000);
    return out;
  };
}

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

/** Hub, mcp-sim, tokens and agents, until every Cluster is Ready. */
export async function startFleetProcesses(o: FleetProcessesOptions) {
  const { cfg, n, teardown, logs } = o;
  const setup: Record<string, number> = {};
  const step = stepper(n, setup);
  const workDir = await mkdtemp(join(cfg.dataParent ?? tmpdir(), o.tempPrefix));
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
      ...o.member,
      startRate: cfg.startRate,
      logLevel: cfg.memberLogLevel,
      cpuProfDir: cfg.cpuProfDir,
    }),
  );
  logs.push(agents.logPath);
  // Filled in when the teardown stops the agents: how many had ended on their own.
  const exit: { exited?: number; first?: string } = {};
  teardown.add("agents", async () => Object.assign(exit, await agents.stop()));
  await step("readySeconds", `waiting for ${n} clusters Ready`, () =>
    waitReady(client, n, cfg.readyTimeoutS * 1000),
  );
  return { hub, client, sim, names, agents, agentsExit: exit, setup, step };
}
