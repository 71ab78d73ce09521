// The propagation benchmark's sizes and switches, read once from the environment. Defaults are
// the numbers (10, 100 and 1,000 simulated clusters, 20 measured writes each; SPEC target
// p99 < 500 ms at 100 clusters); a quick run: BENCH_SIZES=10 BENCH_ITERATIONS=5.
import { envDurability, envInt, envIntList } from "../lib/env.ts";

export interface PropagationBenchConfig {
  /** BENCH_SIZES (default "10,100,1000"): fleet sizes, one fresh hub, mcp-sim and agent fleet each. */
  sizes: number[];
  /** BENCH_ITERATIONS (default 20): measured hub writes per size, one after another. */
  iterations: number;
  /** BENCH_ITERATION_TIMEOUT_S (default 60): how long one write may take to reach every member before the rest count as missing. */
  iterationTimeoutS: number;
  /** BENCH_PAUSE_MS (default 250): quiet time between one write reaching every member and the next write. */
  pauseMs: number;
  /** BENCH_WARMUP_TIMEOUT_S (default 600): how long the first propagation (policy, Namespace and probe) may take. */
  warmupTimeoutS: number;
  /** BENCH_READY_TIMEOUT_S (default 900): how long registration (every Cluster Ready) may take. */
  readyTimeoutS: number;
  /** BENCH_START_RATE (default 50): agents started per second. */
  startRate: number;
  /** BENCH_NODES (default 1): nodes per simulated cluster. */
  nodes: number;
  /** BENCH_CONCURRENCY (default 16): API requests in flight for bootstrap tokens. */
  concurrency: number;
  /** BENCH_DURABILITY (default "full", the hub's default). */
  durability: "full" | "normal";
  /** BENCH_LOG_LEVEL (default "info", the hub's own default). */
  logLevel: string;
  /** BENCH_MEMBER_LOG_LEVEL (default "warn"): mcp-sim's and the agents' log level. */
  memberLogLevel: string;
  /** BENCH_CPU_PROF: directory for V8 CPU profiles of the hub and the agent process. */
  cpuProfDir?: string;
  /** BENCH_DATA_PARENT: where the hub's data directory and mcp-sim's --out go (default: the OS temp dir). */
  dataParent?: string;
}

export function propagationConfig(): PropagationBenchConfig {
  return {
    sizes: envIntList("BENCH_SIZES", [10, 100, 1000]),
    iterations: envInt("BENCH_ITERATIONS", 20),
    iterationTimeoutS: envInt("BENCH_ITERATION_TIMEOUT_S", 60),
    pauseMs: envInt("BENCH_PAUSE_MS", 250, 0),
    warmupTimeoutS: envInt("BENCH_WARMUP_TIMEOUT_S", 600),
    readyTimeoutS: envInt("BENCH_READY_TIMEOUT_S", 900),
    startRate: envInt("BENCH_START_RATE", 50),
    nodes: envInt("BENCH_NODES", 1),
    concurrency: envInt("BENCH_CONCURRENCY", 16),
    durability: envDurability(),
    logLevel: process.env.BENCH_LOG_LEVEL || "info",
    memberLogLevel: process.env.BENCH_MEMBER_LOG_LEVEL || "warn",
    cpuProfDir: process.env.BENCH_CPU_PROF || undefined,
    dataParent: process.env.BENCH_DATA_PARENT || undefined,
  };
}
