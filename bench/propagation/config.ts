// The propagation benchmark's sizes and switches, read once from the environment. Defaults are
// the numbers (10, 100 and 1,000 simulated clusters, 20 measured writes each; SPEC target
// p99 < 500 ms at 100 clusters); a quick run: BENCH_SIZES=10 BENCH_ITERATIONS=5.
import { envInt, envIntList } from "../lib/env.ts";
import { type FleetConfig, fleetConfig } from "../lib/fleet-config.ts";

/** The fleet's own switches (bench/lib/fleet-config.ts; BENCH_NODES default 1) and these. */
export interface PropagationBenchConfig extends FleetConfig {
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
}

export function propagationConfig(): PropagationBenchConfig {
  return {
    sizes: envIntList("BENCH_SIZES", [10, 100, 1000]),
    iterations: envInt("BENCH_ITERATIONS", 20),
    iterationTimeoutS: envInt("BENCH_ITERATION_TIMEOUT_S", 60),
    pauseMs: envInt("BENCH_PAUSE_MS", 250, 0),
    warmupTimeoutS: envInt("BENCH_WARMUP_TIMEOUT_S", 600),
    ...fleetConfig(1),
  };
}
