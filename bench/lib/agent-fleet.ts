// Many pull-mode agents in one process, each the real agent library (src/agent/agent.ts:
// Register with a bootstrap token, then one gRPC stream to the hub): registration, the stream,
// heartbeats, Welcome handling, reconnects and Work are the product's own code; the caller gives
// each agent its member side (a collector, and optionally a Work applier).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino, { type Logger } from "pino";
import { type Agent, type AgentDeps, type AgentExit, startAgent } from "../../src/agent/agent.ts";
import { DEFAULT_BACKOFF, parseHubAddress } from "../../src/agent/options.ts";

/** What one agent talks to on the member side. */
export type MemberSide = Pick<AgentDeps, "collect" | "work" | "diagnose" | "commands">;

export interface AgentFleetOptions {
  hubAgentUrl: string;
  hubCaPath: string;
  /** Cluster names, one agent each, with the bootstrap token at the same index. */
  names: string[];
  tokens: string[];
  /** Agents started per second: registrations arrive as an operator's rollout would, spread out. */
  startRate: number;
  /** Labels of the Cluster agent i registers. */
  labels?(i: number): Record<string, string>;
  /** The member side of agent i; stateDir is where its credential (and Work state) are kept, log is the agent's own. */
  member(i: number, name: string, ctx: { stateDir: string; log: Logger }): MemberSide | Promise<MemberSide>;
  /** Default: silent. */
  log?: Logger;
}

export interface AgentFleet {
  names: string[];
  /** Agents that ended on their own (refused, or failed): none should. */
  exited(): { count: number; first?: string };
  stop(): Promise<void>;
}

export async function startAgentFleet(o: AgentFleetOptions): Promise<AgentFleet> {
  const stateDir = await mkdtemp(join(tmpdir(), "mcp-bench-agents-"));
  const log = o.log ?? pino({ level: "silent" });
  const agents: Agent[] = [];
  const exits: AgentExit[] = [];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await Promise.all(agents.map((a) => a.stop()));
    await rm(stateDir, { recursive: true, force: true });
  };
  const t0 = performance.now();
  try {
    for (const [i, name] of o.names.entries()) {
      const wait = t0 + (i * 1000) / o.startRate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const agentLog = log.child({ cluster: name });
      const member = await o.member(i, name, { stateDir, log: agentLog });
      const agent = startAgent(
        {
          hubTarget: parseHubAddress(o.hubAgentUrl),
          hubCaPath: o.hubCaPath,
          bootstrapToken: o.tokens[i],
          clusterName: name,
          labels: o.labels?.(i) ?? {},
          stateDir,
          logLevel: log.level,
          backoff: DEFAULT_BACKOFF,
          registerTimeoutMs: 60_000,
        },
        { ...member, log: agentLog },
      );
      void agent.done.then((exit) => {
        if (!stopping) exits.push(exit);
      });
      agents.push(agent);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    names: o.names,
    exited: () => ({ count: exits.length, first: exits[0]?.message }),
    stop,
  };
}
