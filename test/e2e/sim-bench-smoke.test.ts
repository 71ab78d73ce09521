// The simulator benchmark's harness works: bench/sim.bench.ts with a 3-cluster fleet prints the
// JSON the issue asks for (start-up, RSS per cluster, idle CPU, p50/p99 of node and pod lists),
// and no request fails. Sizes are tiny and nothing is timed: this checks the harness, not speed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runBench } from "./support/bench.ts";

const LATENCY_KEYS = ["count", "opsPerSec", "meanMs", "p50Ms", "p90Ms", "p99Ms", "maxMs"];
const USAGE_KEYS = ["cpuSeconds", "cpuPercent", "rssMiB", "rssMaxMiB"];
const isNum = (x: unknown) => typeof x === "number" && Number.isFinite(x);

test("sim benchmark prints complete JSON for a 3-cluster fleet", { timeout: 180_000 }, async () => {
  const r = await runBench(
    "sim",
    {
      BENCH_SIM_CLUSTERS: "3",
      BENCH_SIM_NODES: "10",
      BENCH_SIM_SETTLE_SECONDS: "1",
      BENCH_SIM_IDLE_SECONDS: "1",
      BENCH_SIM_REQUESTS: "30",
      BENCH_CONCURRENCY: "4",
    },
    10 * 60_000,
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.benchmark, "sim");
  assert.equal(out.config.clusters, 3);
  assert.equal(out.config.sample, 3, "the sample never exceeds the fleet");

  for (const [k, v] of Object.entries(out.summary)) assert.ok(isNum(v), `summary.${k} = ${v}`);
  assert.equal(out.summary.clusters, 3);
  assert.equal(out.summary.nodesPerCluster, 10);

  assert.equal(out.baseline.clusters, 1);
  assert.deepEqual(Object.keys(out.baseline.idle).sort(), ["windowMs", ...USAGE_KEYS].sort());
  assert.ok(out.baseline.idle.rssMiB > 10, "RSS comes from /proc");

  const fleet = out.fleet;
  assert.ok(fleet.startupMs > 0 && fleet.reportedStartupMs >= 0);
  assert.ok(fleet.idle.rssMiB > 10 && fleet.idle.cpuPercent >= 0);
  assert.equal(fleet.requests.sampleClusters, 3);
  for (const name of ["nodes", "pods"]) {
    const p = fleet.requests[name];
    assert.equal(p.errors, 0, p.firstError);
    assert.deepEqual(Object.keys(p.latency).sort(), [...LATENCY_KEYS].sort(), `${name} latency keys`);
    const l = p.latency;
    assert.equal(l.count, 30, `${name} sample count`);
    assert.ok(l.p50Ms > 0 && l.p50Ms <= l.p99Ms && l.p99Ms <= l.maxMs, `${name} order`);
    assert.ok(p.clustersHit >= 1 && p.clustersHit <= 3, `${name} clusters hit`);
    assert.deepEqual(Object.keys(p.server).sort(), [...USAGE_KEYS].sort());
  }
  assert.equal(fleet.requests.nodes.meanItems, 10, "every cluster lists --nodes nodes");
  assert.ok(fleet.requests.pods.meanItems > 0, "kube-system has pods");

  assert.equal(out.memory.rssMiB, fleet.idle.rssMiB);
  assert.equal(out.memory.baselineRssMiB, out.baseline.idle.rssMiB);
  assert.ok(isNum(out.memory.perClusterMiB));
  assert.match(out.memory.method, /baseline/);
});
