// The heartbeat benchmark's sizes and switches, read once from the environment. Defaults are the
// SPEC's numbers (1,000 pull-mode clusters at a 10 s interval, hub under 50% of one core); small
// values make a quick smoke run, e.g. BENCH_CLUSTERS=20 BENCH_INTERVAL_S=2 BENCH_WINDOW_S=6.

import { envDurability, envInt } from "../lib/env.ts";

export interface HeartbeatBenchConfig {
  /** BENCH_CLUSTERS (default 1000): pull-mode clusters, one agent session each. */
  clusters: number;
  /** BENCH_INTERVAL_S (default 10): every cluster's spec.syncInterval, in seconds. */
  intervalS: number;
  /** BENCH_WINDOW_S (default 60): the measured steady-state window. */
  windowS: number;
  /** BENCH_NODES (default 10): nodes in each synthetic member's status. */
  nodes: number;
  /** BENCH_START_RATE (default 50): agents started per second (registrations arrive spread out, as in a rollout). */
  startRate: number;
  /** BENCH_CONCURRENCY (default 16): API requests in flight for tokens and patches. */
  concurrency: number;
  /** BENCH_WATCH (default 1): measure send → watch delivery with one watch on Clusters (0: off, no watch load). */
  watch: boolean;
  /** BENCH_READY_TIMEOUT_S (default 300): how long registration may take before the run fails. */
  readyTimeoutS: number;
  /** BENCH_DURABILITY (default "full", the hub's default). */
  durability: "full" | "normal";
  /** BENCH_LOG_LEVEL (default "info", the hub's own default). */
  logLevel: string;
  /** BENCH_CPU_PROF: directory for a V8 CPU profile of the hub. */
  cpuProfDir?: string;
  /** BENCH_DATA_PARENT: where the hub's data directory goes (default: the OS temp dir). */
  dataParent?: string;
}

export function benchConfig(): HeartbeatBenchConfig {
  return {
    clusters: envInt("BENCH_CLUSTERS", 1000),
    intervalS: envInt("BENCH_INTERVAL_S", 10),
    windowS: envInt("BENCH_WINDOW_S", 60),
    nodes: envInt("BENCH_NODES", 10),
    startRate: envInt("BENCH_START_RATE", 50),
    concurrency: envInt("BENCH_CONCURRENCY", 16),
    watch: envInt("BENCH_WATCH", 1, 0) !== 0,
    readyTimeoutS: envInt("BENCH_READY_TIMEOUT_S", 300),
    durability: envDurability(),
    logLevel: process.env.BENCH_LOG_LEVEL || "info",
    cpuProfDir: process.env.BENCH_CPU_PROF || undefined,
    dataParent: process.env.BENCH_DATA_PARENT || undefined,
  };
}
