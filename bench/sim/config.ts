// The simulator benchmark's sizes and switches, read once from the environment. Defaults are the
// issue's numbers (1,000 clusters × 10 nodes); small values make a quick smoke run.

import { envInt } from "../lib/env.ts";

export interface SimBenchConfig {
  /** BENCH_SIM_CLUSTERS (default 1000): clusters in the measured fleet. */
  clusters: number;
  /** BENCH_SIM_NODES (default 10): nodes per cluster. */
  nodes: number;
  /** BENCH_SIM_BASELINE (default 1): measure a 1-cluster mcp-sim first (0 skips it). */
  baseline: boolean;
  /** BENCH_SIM_SETTLE_SECONDS (default 10): wait after start-up before measuring (pods start, leases renew). */
  settleSeconds: number;
  /** BENCH_SIM_IDLE_SECONDS (default 30, three heartbeats): window for idle CPU and steady RSS. */
  idleSeconds: number;
  /** BENCH_SIM_SAMPLE (default 100, at most clusters): random clusters the requests go to. */
  sample: number;
  /** BENCH_SIM_REQUESTS (default 2000): requests per endpoint, spread over the sample. */
  requests: number;
  /** BENCH_CONCURRENCY (default 8): requests in flight. */
  concurrency: number;
  /** BENCH_SIM_START_TIMEOUT_S (default 900): how long the fleet may take to start. */
  startTimeoutSeconds: number;
  /** BENCH_LOG_LEVEL (default "warn", mcp-sim's own default). */
  logLevel: string;
  /** BENCH_DATA_PARENT: where the --out directories go (default: the OS temp dir). */
  dataParent?: string;
}

export function simBenchConfig(): SimBenchConfig {
  const clusters = envInt("BENCH_SIM_CLUSTERS", 1000);
  return {
    clusters,
    nodes: envInt("BENCH_SIM_NODES", 10),
    baseline: envInt("BENCH_SIM_BASELINE", 1, 0) !== 0,
    settleSeconds: envInt("BENCH_SIM_SETTLE_SECONDS", 10, 0),
    idleSeconds: envInt("BENCH_SIM_IDLE_SECONDS", 30),
    sample: Math.min(clusters, envInt("BENCH_SIM_SAMPLE", 100)),
    requests: envInt("BENCH_SIM_REQUESTS", 2000),
    concurrency: envInt("BENCH_CONCURRENCY", 8),
    startTimeoutSeconds: envInt("BENCH_SIM_START_TIMEOUT_S", 900),
    logLevel: process.env.BENCH_LOG_LEVEL || "warn",
    dataParent: process.env.BENCH_DATA_PARENT || undefined,
  };
}
