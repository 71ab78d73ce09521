// The fleet diagnostics benchmark's sizes and switches, read once from the environment. Defaults
// are the numbers (a fleet scan of 50 and of 200 simulated clusters); a quick run:
// BENCH_DIAG_SIZES=5 BENCH_DIAG_SCANS=2.
import { envDurability, envInt, envIntList } from "../lib/env.ts";

export interface DiagFleetBenchConfig {
  /** BENCH_DIAG_SIZES (default "50,200"): fleet sizes, one fresh hub, mcp-sim and agent fleet each. */
  sizes: number[];
  /** BENCH_DIAG_SCANS (default 3): fleet scans per size, one after another (the first also warms up). */
  scans: number;
  /** BENCH_DIAG_PAUSE_MS (default 2000): quiet time between two scans. */
  pauseMs: number;
  /** BENCH_DIAG_SCAN_TIMEOUT_S (default 600): how long one scan may take before its missing reports count as missing. */
  scanTimeoutS: number;
  /** BENCH_NODES (default 3): nodes per simulated cluster (each has kube-system, CNI, CoreDNS). */
  nodes: number;
  /** BENCH_START_RATE (default 50): agents started per second. */
  startRate: number;
  /** BENCH_READY_TIMEOUT_S (default 900): how long registration (every Cluster Ready) may take. */
  readyTimeoutS: number;
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

export function diagFleetConfig(): DiagFleetBenchConfig {
  return {
    sizes: envIntList("BENCH_DIAG_SIZES", [50, 200]),
    scans: envInt("BENCH_DIAG_SCANS", 3),
    pauseMs: envInt("BENCH_DIAG_PAUSE_MS", 2000, 0),
    scanTimeoutS: envInt("BENCH_DIAG_SCAN_TIMEOUT_S", 600),
    nodes: envInt("BENCH_NODES", 3),
    startRate: envInt("BENCH_START_RATE", 50),
    readyTimeoutS: envInt("BENCH_READY_TIMEOUT_S", 900),
    concurrency: envInt("BENCH_CONCURRENCY", 16),
    durability: envDurability(),
    logLevel: process.env.BENCH_LOG_LEVEL || "info",
    memberLogLevel: process.env.BENCH_MEMBER_LOG_LEVEL || "warn",
    cpuProfDir: process.env.BENCH_CPU_PROF || undefined,
    dataParent: process.env.BENCH_DATA_PARENT || undefined,
  };
}
