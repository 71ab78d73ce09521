// The switches every benchmark of a whole fleet in processes shares (hub, mcp-sim and the agents'
// process, bench/lib/fleet-processes.ts), read once from the environment beside its own.
import { envDurability, envInt } from "./env.ts";

export interface FleetConfig {
  /** BENCH_NODES: nodes per simulated cluster (each has kube-system, CNI, CoreDNS); the default is the benchmark's. */
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

export function fleetConfig(defaultNodes: number): FleetConfig {
  return {
    nodes: envInt("BENCH_NODES", defaultNodes),
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
