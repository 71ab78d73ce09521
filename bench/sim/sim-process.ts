// Starts the real mcp-sim binary as a child process (never in-process: the fleet's CPU and memory
// must be its own), times it until it prints "cluster(s) running", reads the fleet index it wrote,
// and stops it with SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { progress } from "../lib/phase.ts";

const SIM = fileURLToPath(new URL("../../src/cmd/sim.ts", import.meta.url));

export interface SimProcessOptions {
  clusters: number;
  nodes: number;
  logLevel: string;
  startTimeoutMs: number;
  parentDir?: string;
}

export interface SimProcess {
  pid: number;
  outDir: string;
  /** Spawn to "running", as this process saw it (includes Node's start-up). */
  startupMs: number;
  /** What mcp-sim itself reported ("started in Xs"), in ms. */
  reportedStartupMs: number;
  /** <out>/<name>.kubeconfig of every cluster, in fleet order. */
  kubeconfigs: string[];
  /** mcp-sim's stderr (its log), kept for post-mortems. */
  logPath: string;
  stop(): Promise<void>;
}

export async function startSimProcess(opts: SimProcessOptions): Promise<SimProcess> {
  const outDir = await mkdtemp(join(opts.parentDir ?? tmpdir(), "mcp-sim-bench-"));
  const logPath = join(outDir, "sim.log");
  const log = await open(logPath, "w");
  const args = [
    SIM,
    ...["--clusters", String(opts.clusters), "--nodes", String(opts.nodes)],
    ...["--out", outDir, "--log-level", opts.logLevel],
  ];
  const t0 = performance.now();
  // process.execPath: this bench's Node 24; going through npx would make the pid a wrapper's.
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", log.fd] });
  await log.close();
  let reportedStartupMs: number;
  try {
    reportedStartupMs = await running(child, opts.startTimeoutMs, logPath);
  } catch (e) {
    child.kill("SIGKILL");
    await rm(outDir, { recursive: true, force: true });
    throw e;
  }
  const startupMs = performance.now() - t0;
  const index = JSON.parse(await readFile(join(outDir, "fleet.json"), "utf8")) as {
    clusters: { kubeconfig: string }[];
  };
  return {
    pid: child.pid!,
    outDir,
    startupMs,
    reportedStartupMs,
    kubeconfigs: index.clusters.map((c) => c.kubeconfig),
    logPath,
    async stop() {
      await stopChild(child);
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

/** Resolves with mcp-sim's own start-up time once it reports its clusters running. */
function running(child: ChildProcess, timeoutMs: number, logPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => fail(`mcp-sim did not start within ${timeoutMs} ms`), timeoutMs);
    const fail = (msg: string) => {
      clearTimeout(timer);
      reject(new Error(`${msg}; see ${logPath}`));
    };
    child.once("exit", (code) => fail(`mcp-sim exited with ${code} before running`));
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      out += chunk;
      // Pass its "started n/N clusters" lines on: a 1,000-cluster start takes a while.
      for (const line of chunk.split("\n")) if (/^started \d+\/\d+/.test(line)) progress(`mcp-sim: ${line}`);
      const m = /cluster\(s\) running \(started in ([\d.]+)s\)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      child.stdout!.removeAllListeners("data");
      child.stdout!.resume(); // keep draining so mcp-sim never blocks on a full pipe
      resolve(Number(m[1]) * 1000);
    });
  });
}

async function stopChild(child: ChildProcess, graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
