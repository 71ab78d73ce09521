// API server benchmark: starts the real mcp-server per durability mode and drives it over HTTPS
// from this separate process: create, get, full and paged list of BENCH_OBJECTS ConfigMaps, then
// watch fan-out to BENCH_WATCHERS watches. Prints one JSON object on stdout; progress on stderr.
// Usage: npx node bench/apiserver.bench.ts   (sizes and switches: bench/apiserver/config.ts)
import { type ApiBenchConfig, benchConfig } from "./apiserver/config.ts";
import { createPhase, getPhase } from "./apiserver/crud.ts";
import { fullListPhase, pagedListPhase } from "./apiserver/list.ts";
import { watchFanoutPhase } from "./apiserver/watch-fanout.ts";
import { HubClient } from "./lib/hub-client.ts";
import { startHubProcess } from "./lib/hub-process.ts";
import { round } from "./lib/latency.ts";
import { measurePhase, progress } from "./lib/phase.ts";
import { rssMiB } from "./lib/proc-stats.ts";
import { requireNode24, runBenchmark, runHeader } from "./lib/report.ts";

async function runOnce(cfg: ApiBenchConfig, durability: "full" | "normal") {
  const t0 = performance.now();
  const hub = await startHubProcess({
    durability,
    logLevel: cfg.logLevel,
    cpuProfDir: cfg.cpuProfDir,
    parentDir: cfg.dataParent,
  });
  const startupMs = round(performance.now() - t0);
  progress(`hub pid ${hub.pid} (durability=${durability}) serving on ${hub.url}, data in ${hub.dataDir}`);
  const client = await HubClient.fromKubeconfig(hub.kubeconfigPath, { maxSockets: cfg.concurrency });
  try {
    const rssIdleMiB = round(rssMiB(hub.pid));
    // Open the keep-alive connections and warm the JIT so TLS handshakes do not land in phase 1.
    await Promise.all(
      Array.from({ length: cfg.concurrency * 4 }, () => client.json("GET", "/api/v1/namespaces/default")),
    );
    const pid = hub.pid;
    const n = cfg.objects;
    const create = await measurePhase(`create ${n}`, pid, () => createPhase(client, n, cfg.concurrency));
    const get = await measurePhase(`get ${cfg.gets}`, pid, () =>
      getPhase(client, { gets: cfg.gets, objects: n, concurrency: cfg.concurrency }),
    );
    const list = await measurePhase(`list ${n} x${cfg.lists}`, pid, () => fullListPhase(client, cfg.lists));
    const listPaged = await measurePhase(`paged list limit=${cfg.pageSize} x${cfg.pagedLists}`, pid, () =>
      pagedListPhase(client, cfg.pagedLists, cfg.pageSize),
    );
    const watchFanout = await measurePhase(`watch fan-out ${cfg.watchers} x ${cfg.updates}`, pid, () =>
      watchFanoutPhase(client, {
        watchers: cfg.watchers,
        updates: cfg.updates,
        objects: n,
        concurrency: cfg.concurrency,
        timeoutMs: cfg.watchTimeoutMs,
      }),
    );
    return {
      durability,
      hubArgs: ["--durability", durability, "--log-level", cfg.logLevel],
      startupMs,
      rssIdleMiB,
      phases: { create, get, list, listPaged, watchFanout },
    };
  } finally {
    client.close();
    await hub.stop();
  }
}

async function main(): Promise<void> {
  requireNode24();
  const cfg = benchConfig();
  const startedAt = new Date().toISOString();
  const runs = [];
  for (const d of cfg.durabilities) runs.push(await runOnce(cfg, d));
  const out = {
    ...runHeader("apiserver", startedAt),
    config: cfg,
    runs,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

runBenchmark("apiserver", main);
