// The one real mcp-agent the footprint benchmark measures: src/cmd/agent.ts on this bench's Node
// 24 with the Node flags bin/mcp-agent gives it (so the number is the shipped agent's), registered
// with a bootstrap token against a member of mcp-sim. Optionally a heap reporter is preloaded: a
// few lines of plain JavaScript (a data: URL, so that no TypeScript has to be stripped for it)
// appending process.memoryUsage() to a file, since another process's heap cannot be read from
// /proc. Its own cost is a timer and a JSON line per sample.
import { spawn, spawnSync } from "node:child_process";
import { open, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { stopChild } from "../lib/child.ts";

const AGENT = fileURLToPath(new URL("../../src/cmd/agent.ts", import.meta.url));
const LAUNCHER = fileURLToPath(new URL("../../bin/mcp-agent", import.meta.url));

export interface HeapSample {
  /** Date.now() in the agent. */
  t: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface AgentProcessOptions {
  /** NODE_COMPILE_CACHE for the agent, as bin/mcp-agent sets one (see warmCompileCache). */
  compileCache?: string;
  hubAgentUrl: string;
  hubCaPath: string;
  clusterName: string;
  token: string;
  kubeconfig: string;
  stateDir: string;
  labels: string;
  logLevel: string;
  /** Node flags; default: bin/mcp-agent's. */
  nodeFlags?: string[];
  /** Where the heap reporter appends its samples; absent: no reporter. */
  heapLog?: string;
  heapSampleMs: number;
  /** The agent's working directory: where a heap snapshot lands. */
  cwd: string;
  /** Enables SIGUSR2 heap snapshots (writeHeapSnapshot). */
  heapSnapshots: boolean;
  logPath: string;
}

export interface AgentProcess {
  pid: number;
  nodeFlags: string[];
  /** performance.now() when it was spawned. */
  spawnedAt: number;
  /** exit code or signal once it has exited, for the post-mortem. */
  exited(): string | undefined;
  heapSamples(): Promise<HeapSample[]>;
  /** Writes a heap snapshot into cwd and resolves with its path. */
  heapSnapshot(): Promise<string>;
  stop(): Promise<void>;
}

/** The Node flags on bin/mcp-agent's exec line: what the shipped agent runs with. */
export async function launcherNodeFlags(): Promise<string[]> {
  const script = await readFile(LAUNCHER, "utf8");
  const m = /^exec "\$node" (.*?)\s*"\$here\/src\/cmd\/agent\.ts"/m.exec(script);
  if (!m) throw new Error(`cannot find the node command line in ${LAUNCHER}`);
  return m[1].split(/\s+/).filter(Boolean);
}

function heapReporter(sampleMs: number): string {
  const code =
    `import{appendFileSync as a}from"node:fs";const f=process.env.MCP_BENCH_HEAP_LOG;` +
    "setInterval(()=>{const m=process.memoryUsage();" +
    "a(f,JSON.stringify({t:Date.now(),heapUsed:m.heapUsed,heapTotal:m.heapTotal,external:m.external,arrayBuffers:m.arrayBuffers})+'\\n')" +
    `},${sampleMs}).unref();`;
  return `data:text/javascript,${encodeURIComponent(code)}`;
}

const WARM = fileURLToPath(new URL("./warm-cache.ts", import.meta.url));

/**
 * Fills `dir` as a compile cache the way an agent's first run does (bin/mcp-agent keeps one), so
 * the measured agent starts as a restarted one: warm. The entry is compiled by `--help`, the
 * modules it imports later by warm-cache.ts.
 */
export async function warmCompileCache(dir: string, nodeFlags: string[]): Promise<void> {
  const env = { ...process.env, NODE_COMPILE_CACHE: dir };
  for (const args of [
    [...nodeFlags, AGENT, "--help"],
    [...nodeFlags, WARM],
  ]) {
    const r = spawnSync(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    if (r.status !== 0) throw new Error(`warming the compile cache: ${args.join(" ")}: ${r.stderr}`);
  }
}

export async function startAgentProcess(o: AgentProcessOptions): Promise<AgentProcess> {
  const nodeFlags = o.nodeFlags ?? (await launcherNodeFlags());
  const args = [
    ...nodeFlags,
    ...(o.heapSnapshots ? ["--heapsnapshot-signal=SIGUSR2"] : []),
    ...(o.heapLog ? ["--import", heapReporter(o.heapSampleMs)] : []),
    AGENT,
    ...["--hub", o.hubAgentUrl, "--hub-ca", o.hubCaPath, "--cluster-name", o.clusterName],
    ...["--bootstrap-token", o.token, "--kubeconfig", o.kubeconfig, "--state-dir", o.stateDir],
    ...["--labels", o.labels, "--log-level", o.logLevel],
  ];
  const log = await open(o.logPath, "w");
  const spawnedAt = performance.now();
  // process.execPath: this bench's Node 24, and the measured pid is the agent itself, no wrapper.
  const child = spawn(process.execPath, args, {
    cwd: o.cwd,
    stdio: ["ignore", log.fd, log.fd],
    env: {
      ...process.env,
      ...(o.compileCache ? { NODE_COMPILE_CACHE: o.compileCache } : {}),
      ...(o.heapLog ? { MCP_BENCH_HEAP_LOG: o.heapLog } : {}),
    },
  });
  await log.close();
  let exit: string | undefined;
  child.once("exit", (code, signal) => {
    exit = String(code ?? signal);
  });
  return {
    pid: child.pid!,
    nodeFlags,
    spawnedAt,
    exited: () => exit,
    async heapSamples() {
      if (!o.heapLog) return [];
      const text = await readFile(o.heapLog, "utf8").catch(() => "");
      return text
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as HeapSample);
    },
    async heapSnapshot() {
      const before = new Set(await readdir(o.cwd));
      child.kill("SIGUSR2");
      // V8 writes the file in one go; it is done once its size stops changing.
      let last = -1;
      for (let i = 0; i < 600; i++) {
        await sleep(500);
        const file = (await readdir(o.cwd)).find((f) => f.endsWith(".heapsnapshot") && !before.has(f));
        if (!file) continue;
        const size = (await stat(join(o.cwd, file))).size;
        if (size > 0 && size === last) return join(o.cwd, file);
        last = size;
      }
      throw new Error("the agent wrote no heap snapshot within 5 minutes");
    },
    stop: () => stopChild(child, 10_000),
  };
}
