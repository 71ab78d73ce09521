// Starts the real mcp-sim binary as a child process (never in-process: the fleet's CPU and memory
// must be its own), times it until it prints "cluster(s) running", reads the fleet index it wrote,
// and stops it with SIGTERM.
import { spawn } from "node:child_process";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { awaitOutput, stopChild } from "../lib/child.ts";
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
    const m = await awaitOutput(child, {
      what: "mcp-sim",
      ready: /cluster\(s\) running \(started in ([\d.]+)s\)/,
      timeoutMs: opts.startTimeoutMs,
      logPath,
      // Pass its "started n/N clusters" lines on: a 1,000-cluster start takes a while.
      onChunk: (chunk) => {
        for (const line of chunk.split("\n"))
          if (/^started \d+\/\d+/.test(line)) progress(`mcp-sim: ${line}`);
      },
    });
    reportedStartupMs = Number(m[1]) * 1000;
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
      await stopChild(child, 30_000);
      await rm(outDir, { recursive: true, force: true });
    },
  };
}
