// The policy benchmark's sizes and switches, read once from the environment. Small values make a
// quick smoke run, e.g. BENCH_POLICY_COUNTS=0,3 BENCH_WRITES=20 BENCH_AGENTS=3 BENCH_ROUNDS=3.
import { envDurability, envInt, envIntList } from "../lib/env.ts";

export interface PolicyBenchConfig {
  /** BENCH_POLICY_COUNTS (default 0,10,100): ClusterPolicies in force for each admission run. */
  policyCounts: number[];
  /** BENCH_WRITES (default 300): Deployment creates measured per policy count (HTTP, one at a time). */
  writes: number;
  /** BENCH_EVALUATIONS (default 5000): in-process plugin evaluations measured per policy count. */
  evaluations: number;
  /** BENCH_AGENTS (default 50): connected agents for the distribution latency. */
  agents: number;
  /** BENCH_ROUNDS (default 20): policy changes whose arrival at every agent is timed. */
  rounds: number;
  /** BENCH_ROUND_TIMEOUT_S (default 30): how long one change may take to reach every agent. */
  roundTimeoutS: number;
  /** BENCH_DURABILITY (default "full", the hub's default). */
  durability: "full" | "normal";
  /** BENCH_LOG_LEVEL (default "warn"). */
  logLevel: string;
}

export function policyConfig(): PolicyBenchConfig {
  return {
    policyCounts: envIntList("BENCH_POLICY_COUNTS", [0, 10, 100], 0),
    writes: envInt("BENCH_WRITES", 300),
    evaluations: envInt("BENCH_EVALUATIONS", 5000),
    agents: envInt("BENCH_AGENTS", 50),
    rounds: envInt("BENCH_ROUNDS", 20),
    roundTimeoutS: envInt("BENCH_ROUND_TIMEOUT_S", 30),
    durability: envDurability(),
    logLevel: process.env.BENCH_LOG_LEVEL || "warn",
  };
}
