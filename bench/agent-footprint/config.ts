// The agent-footprint benchmark's switches, read once from the environment. Defaults are the
// SPEC's case (one member of 100 nodes) with a short sync interval, so that a one-minute window
// sees a dozen status collections.
import { envDurability, envInt } from "../lib/env.ts";

export interface FootprintConfig {
  /** BENCH_NODES (default 100): nodes of the one simulated member. */
  nodes: number;
  /** BENCH_INTERVAL_S (default 5): the Cluster's syncInterval (heartbeat, status collection, Work resync). */
  intervalS: number;
  /** BENCH_WINDOW_S (default 60): the measured steady-state window. */
  windowS: number;
  /** BENCH_WORKS (default 5): ConfigMaps propagated to the member (with one Deployment). */
  works: number;
  /** BENCH_SAMPLE_MS (default 250): how often VmRSS is read and the agent reports its heap. */
  sampleMs: number;
  /** BENCH_DIAGNOSE (default 1): 0 leaves out the diagnostic scan after the window. */
  diagnose: boolean;
  /**
   * BENCH_AGENT_NODE_FLAGS: Node flags of the agent process, space-separated ("none" for none);
   * default: those bin/mcp-agent passes, i.e. what ships.
   */
  agentNodeFlags?: string[];
  /** BENCH_AGENT_LOG_LEVEL (default "info", the agent's own default). */
  agentLogLevel: string;
  /** BENCH_HEAP_PROBE (default 1): 0 runs the agent without the heap reporter (RSS only). */
  heapProbe: boolean;
  /** Measure a first start (empty compile cache) instead of a restart (warm). */
  coldStart: boolean;
  /** BENCH_HEAP_SNAPSHOT_DIR: a V8 heap snapshot of the agent is written there at the end of the window. */
  heapSnapshotDir?: string;
  /** BENCH_TIMEOUT_S (default 120): how long each setup step (Ready, Works applied, report) may take. */
  timeoutS: number;
  durability: "full" | "normal";
  /** BENCH_LOG_LEVEL (default "warn"): the hub's and mcp-sim's log level. */
  logLevel: string;
  /** BENCH_DATA_PARENT: where the hub's data, mcp-sim's --out and the agent's state go. */
  dataParent?: string;
}

export function footprintConfig(): FootprintConfig {
  const flags = process.env.BENCH_AGENT_NODE_FLAGS?.trim();
  return {
    nodes: envInt("BENCH_NODES", 100),
    intervalS: envInt("BENCH_INTERVAL_S", 5),
    windowS: envInt("BENCH_WINDOW_S", 60),
    works: envInt("BENCH_WORKS", 5, 0),
    sampleMs: envInt("BENCH_SAMPLE_MS", 250, 10),
    diagnose: envInt("BENCH_DIAGNOSE", 1, 0) !== 0,
    ...(flags ? { agentNodeFlags: flags === "none" ? [] : flags.split(/\s+/) } : {}),
    agentLogLevel: process.env.BENCH_AGENT_LOG_LEVEL || "info",
    heapProbe: envInt("BENCH_HEAP_PROBE", 1, 0) !== 0,
    coldStart: envInt("BENCH_COLD_START", 0, 0) !== 0,
    heapSnapshotDir: process.env.BENCH_HEAP_SNAPSHOT_DIR || undefined,
    timeoutS: envInt("BENCH_TIMEOUT_S", 120),
    durability: envDurability(),
    logLevel: process.env.BENCH_LOG_LEVEL || "warn",
    dataParent: process.env.BENCH_DATA_PARENT || undefined,
  };
}
