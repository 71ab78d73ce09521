// Real member clusters and agents for end-to-end tests: `mcp-sim` and `mcp-agent` run as child
// processes on this process's Node (as support/hub.ts does for the hub, so that signals reach the
// process under test and not a wrapper).
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO_ROOT } from "./hub.ts";

export const SIM_ENTRY = join(REPO_ROOT, "src/cmd/sim.ts");
/** The agent's wrapper script execs Node itself, so signals still reach the agent process. */
export const AGENT_BIN = join(REPO_ROOT, "bin/mcp-agent");

export interface Proc {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  exited: Promise<number | string>;
  /** SIGTERM (SIGKILL after 10 s) and wait for the exit. */
  stop(): Promise<number | string>;
}

/** Runs a .ts entry point on this Node, or an executable (a bin/ script) as is. */
export function run(entry: string, args: string[]): Proc {
  const [file, argv] = entry.endsWith(".ts") ? [process.execPath, [entry, ...args]] : [entry, args];
  const child = spawn(file, argv, {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<number | string>((r) =>
    child.once("exit", (code, signal) => r(code ?? signal ?? "unknown")),
  );
  return {
    child,
    output: () => ({ stdout, stderr }),
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}

/** Starts mcp-sim and waits until its clusters serve; kubeconfigs are <out>/<name>.kubeconfig. */
export async function startSim(
  out: string,
  clusters: number,
  nodes: number,
  extraArgs: string[] = [],
): Promise<Proc> {
  const sim = run(SIM_ENTRY, [
    "--clusters",
    String(clusters),
    "--nodes",
    String(nodes),
    "--out",
    out,
    ...extraArgs,
  ]);
  const deadline = Date.now() + 30_000;
  while (!/cluster\(s\) running/.test(sim.output().stdout)) {
    if (sim.child.exitCode !== null || Date.now() > deadline) {
      await sim.stop();
      throw new Error(`mcp-sim did not start:\n${sim.output().stdout}\n${sim.output().stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return sim;
}

/** The agent endpoint mcp-server printed in its banner. */
export function agentEndpointOf(hubStdout: string): string {
  const m = /agent endpoint:\s+(https:\/\/\S+)/.exec(hubStdout);
  if (!m) throw new Error(`mcp-server printed no agent endpoint:\n${hubStdout}`);
  return m[1];
}

/** A process's resident set size in MiB (Linux). */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Runs `mcp-sim fault <cluster> FLAGS --out DIR` and returns what it printed; throws unless it exits 0. */
export async function simFault(outDir: string, cluster: string, flags: string[]): Promise<string> {
  const p = run(SIM_ENTRY, ["fault", cluster, ...flags, "--out", outDir]);
  const code = await p.exited;
  const { stdout, stderr } = p.output();
  if (code !== 0) throw new Error(`mcp-sim fault ${cluster} ${flags.join(" ")} exited ${code}\n${stderr}`);
  return stdout;
}
