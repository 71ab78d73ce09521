// The API server benchmark's sizes and switches, read once from the environment. Defaults are the
// issue's numbers; small values make a quick smoke run.

import { envInt } from "../lib/env.ts";

export interface ApiBenchConfig {
  /** BENCH_OBJECTS (default 10000): ConfigMaps created, then read and listed. */
  objects: number;
  /** BENCH_GETS (default: objects): GETs of random names. */
  gets: number;
  /** BENCH_LISTS (default 20): full (unpaged) lists of every object. */
  lists: number;
  /** BENCH_PAGE_SIZE (default 500): limit= for the paged list walk. */
  pageSize: number;
  /** BENCH_PAGED_LISTS (default 5): paged walks over every object. */
  pagedLists: number;
  /** BENCH_WATCHERS (default 100): concurrent watches for the fan-out phase. */
  watchers: number;
  /** BENCH_UPDATES (default 1000): updates every watcher must see. */
  updates: number;
  /** BENCH_CONCURRENCY (default 16): requests in flight for create, get and update. */
  concurrency: number;
  /** BENCH_DURABILITY (default "full"): comma list of hub --durability modes; one hub run each. */
  durabilities: ("full" | "normal")[];
  /** BENCH_LOG_LEVEL (default "info", the hub's own default). */
  logLevel: string;
  /** BENCH_CPU_PROF: directory for V8 CPU profiles of the hub (none by default). */
  cpuProfDir?: string;
  /** BENCH_DATA_PARENT: where hub data directories go (default: the OS temp dir). */
  dataParent?: string;
  /** BENCH_WATCH_TIMEOUT_MS (default 60000): how long to wait for the last watch events. */
  watchTimeoutMs: number;
}

export function benchConfig(): ApiBenchConfig {
  const objects = envInt("BENCH_OBJECTS", 10_000);
  const durabilities = (process.env.BENCH_DURABILITY || "full").split(",").map((d) => d.trim());
  for (const d of durabilities)
    if (d !== "full" && d !== "normal")
      throw new Error(`BENCH_DURABILITY takes full and/or normal, got "${d}"`);
  return {
    objects,
    gets: envInt("BENCH_GETS", objects),
    lists: envInt("BENCH_LISTS", 20),
    pageSize: envInt("BENCH_PAGE_SIZE", 500),
    pagedLists: envInt("BENCH_PAGED_LISTS", 5),
    watchers: envInt("BENCH_WATCHERS", 100),
    updates: envInt("BENCH_UPDATES", 1000),
    concurrency: envInt("BENCH_CONCURRENCY", 16),
    durabilities: durabilities as ("full" | "normal")[],
    logLevel: process.env.BENCH_LOG_LEVEL || "info",
    cpuProfDir: process.env.BENCH_CPU_PROF || undefined,
    dataParent: process.env.BENCH_DATA_PARENT || undefined,
    watchTimeoutMs: envInt("BENCH_WATCH_TIMEOUT_MS", 60_000),
  };
}
