// The propagation benchmark's harness works: bench/propagation.bench.ts with a 3-cluster fleet
// (real hub, mcp-sim and agent processes) places the probe on every member, sees every measured
// write arrive in every member, and prints the JSON the issue asks for. Sizes are tiny and nothing
// is timed: this checks the harness, not the speed of propagation.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runBench } from "./support/bench.ts";

const LATENCY_KEYS = ["count", "mean", "p50", "p90", "p99", "max"];
const USAGE_KEYS = ["cpuSeconds", "cpuPercent", "rssMiB", "rssMaxMiB"];

function assertLatency(l: Record<string, number>, count: number, what: string) {
  assert.deepEqual(Object.keys(l).sort(), [...LATENCY_KEYS].sort(), `${what} keys`);
  assert.equal(l.count, count, `${what} count`);
  assert.ok(l.p50 > 0 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max, `${what} order`);
}

test("propagation benchmark prints complete JSON for a 3-cluster fleet", {
  timeout: 6 * 60_000,
}, async () => {
  const r = await runBench(
    "propagation",
    {
      BENCH_SIZES: "3",
      BENCH_ITERATIONS: "3",
      BENCH_ITERATION_TIMEOUT_S: "30",
      BENCH_WARMUP_TIMEOUT_S: "60",
      BENCH_DURABILITY: "normal",
    },
    5 * 60_000,
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.benchmark, "propagation");
  assert.deepEqual(out.config.sizes, [3]);
  assert.equal(out.config.iterations, 3);
  assert.equal(out.target, "p99 < 500 ms at 100 clusters");
  assert.match(out.reference, /Karmada/);
  assert.equal(out.met, null, "100 clusters were not measured");
  assert.equal(out.sizes.length, 1);

  const s = out.sizes[0];
  assert.equal(s.error, undefined);
  assert.equal(s.clusters, 3);
  assert.equal(s.iterations, 3);
  assert.equal(s.missing, 0, JSON.stringify(s.missingClusters));
  assertLatency(s.latencyMs, 3 * 3, "latency");
  assertLatency(s.firstPropagationMs, 3, "first propagation");
  assertLatency(s.writeMs, 3, "hub write");
  assert.deepEqual(
    s.perIteration.map((i: { seq: number; seen: number }) => [i.seq, i.seen]),
    [
      [1, 3],
      [2, 3],
      [3, 3],
    ],
  );
  // Every member's write is split into hub, delivery and ack stages by the hub's Work watch.
  assert.equal(s.stagesMs.incomplete, 0);
  for (const stage of ["hub", "delivery", "ack"])
    assert.equal(s.stagesMs[stage].count, 3 * 3, `${stage} stage count`);
  assert.equal(typeof s.hubCpuPercent, "number");
  assert.equal(s.hubCpuPercent, s.usage.hub.cpuPercent);
  for (const p of ["hub", "sim", "agents"]) {
    assert.deepEqual(Object.keys(s.usage[p]).sort(), [...USAGE_KEYS].sort(), `${p} usage keys`);
    assert.ok(s.usage[p].rssMiB > 10, `${p} RSS comes from /proc`);
  }
  assert.ok(s.usage.machine.cpuPercent >= 0 && s.usage.othersCpuPercent >= 0);
  assert.ok(s.setupSeconds > 0);
  for (const k of [
    "hubSeconds",
    "simSeconds",
    "tokensSeconds",
    "agentsSeconds",
    "readySeconds",
    "warmupSeconds",
  ])
    assert.equal(typeof s.setup[k], "number", k);
  assert.equal(s.agentsExited, 0, s.firstAgentExit);
  // The hub's own mcp_propagation_latency_seconds saw the acks too.
  assert.ok(s.hubHistogram?.count > 0, JSON.stringify(s.hubHistogram));
  assert.ok(s.hubWorkWrites >= 3, "the work builder wrote the clusters' Works");
});
