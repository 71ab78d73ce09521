// The fleet diagnostics benchmark's sizes and switches, read once from the environment. Defaults
// are the numbers (a fleet scan of 50 and of 200 simulated clusters); a quick run:
// BENCH_DIAG_SIZES=5 BENCH_DIAG_SCANS=2.
import { envInt, envIntList } from "../lib/env.ts";
import { type FleetConfig, fleetConfig } from "../lib/fleet-config.ts";

/** The fleet's own switches (bench/lib/fleet-config.ts; BENCH_NODES default 3) and these. */
export interface DiagFleetBenchConfig extends FleetConfig {
  /** BENCH_DIAG_SIZES (default "50,200"): fleet sizes, one fresh hub, mcp-sim and agent fleet each. */
  sizes: number[];
  /** BENCH_DIAG_SCANS (default 3): fleet scans per size, one after another (the first also warms up). */
  scans: number;
  /** BENCH_DIAG_PAUSE_MS (default 2000): quiet time between two scans. */
  pauseMs: number;
  /** BENCH_DIAG_SCAN_TIMEOUT_S (default 600): how long one scan may take before its missing reports count as missing. */
  scanTimeoutS: number;
}

export function diagFleetConfig(): DiagFleetBenchConfig {
  return {
    sizes: envIntList("BENCH_DIAG_SIZES", [50, 200]),
    scans: envInt("BENCH_DIAG_SCANS", 3),
    pauseMs: envInt("BENCH_DIAG_PAUSE_MS", 2000, 0),
    scanTimeoutS: envInt("BENCH_DIAG_SCAN_TIMEOUT_S", 600),
    ...fleetConfig(3),
  };
}
