// Starts bench/lib/member-agents.ts (N agents with the real member side) as a child process on
// this bench's Node and waits until every agent has started; stop() ends it with SIGTERM and says
// how many agents had ended on their own (refused or failed: none should).
import { spawn } from "node:child_process";
import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { awaitOutput, stopChild } from "./child.ts";

const AGENTS = fileURLToPath(new URL("./member-agents.ts", import.meta.url));

export interface AgentsProcessOptions {
  hubAgentUrl: string;
  hubCaPath: string;
  /** One agent per entry; `name` is both the hub's Cluster and the simulated cluster. */
  agents: { name: string; token: string }[];
  /** mcp-sim's --out: <name>.kubeconfig for every cluster. */
  kubeconfigDir: string;
  /** Where the token file and the fleet's log go. */
  workDir: string;
  /** Each agent applies the hub's Work (server-side apply). */
  work?: boolean;
  /** Each agent runs the hub's diagnose commands. */
  diagnose?: boolean;
  startRate: number;
  logLevel: string;
  cpuProfDir?: string;
}

export interface AgentsProcess {
  pid: number;
  logPath: string;
  stop(): Promise<{ exited: number; first?: string }>;
}

export async function startAgentsProcess(o: AgentsProcessOptions): Promise<AgentsProcess> {
  const tokensPath = join(o.workDir, "agent-tokens.json");
  await writeFile(tokensPath, JSON.stringify(o.agents), { mode: 0o600 });
  const logPath = join(o.workDir, "agents.log");
  const log = await open(logPath, "w");
  const args = [
    // grpc-js puts an IP-address hub into TLS SNI, which Node flags as DEP0123 (mcp-agent drops it too).
    "--no-deprecation",
    ...(o.cpuProfDir ? ["--cpu-prof", "--cpu-prof-dir", o.cpuProfDir] : []),
    AGENTS,
    ...["--hub", o.hubAgentUrl, "--hub-ca", o.hubCaPath, "--tokens", tokensPath],
    ...["--kubeconfig-dir", o.kubeconfigDir, "--start-rate", String(o.startRate)],
    ...["--log-level", o.logLevel],
    ...(o.work ? ["--work"] : []),
    ...(o.diagnose ? ["--diagnose"] : []),
  ];
  // stdin stays open: the fleet stops by itself when it closes (this process died).
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", log.fd] });
  await log.close();
  try {
    await awaitOutput(child, {
      what: "the agent fleet",
      ready: /agents: \d+ started/,
      timeoutMs: ((o.agents.length / o.startRate) * 3 + 120) * 1000,
      logPath,
    });
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  let tail = "";
  child.stdout!.on("data", (c: string) => {
    tail += c;
  });
  return {
    pid: child.pid!,
    logPath,
    async stop() {
      await stopChild(child, 30_000);
      const m = /agents: stopped (\{.*\})/.exec(tail);
      if (!m) return { exited: -1, first: "the agent fleet did not report (killed?)" };
      const r = JSON.parse(m[1]) as { count: number; first?: string };
      return { exited: r.count, ...(r.first ? { first: r.first } : {}) };
    },
  };
}
