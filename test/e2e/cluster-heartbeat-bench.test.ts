// The heartbeat benchmark's harness works: bench/heartbeat.bench.ts at a tiny size against the
// real hub registers every cluster, measures a window in which every heartbeat sent is processed
// and seen, and prints the JSON the issue asks for (hub CPU%, RSS, latency p50/p99, all Ready).
// Nothing is timed: this checks the harness, not the hub's speed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runBench } from "./support/bench.ts";

test("heartbeat benchmark prints complete JSON for a small fleet", { timeout: 180_000 }, async () => {
  const clusters = 12;
  const r = await runBench(
    "heartbeat",
    {
      BENCH_CLUSTERS: String(clusters),
      BENCH_INTERVAL_S: "1",
      BENCH_WINDOW_S: "4",
      BENCH_START_RATE: "50",
      BENCH_DURABILITY: "normal",
    },
    170_000,
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.benchmark, "heartbeat");
  assert.equal(out.config.clusters, clusters);
  assert.equal(out.phases.tokens.count, clusters);
  assert.equal(out.phases.register.ready, clusters);

  const w = out.window;
  assert.ok(
    w.hub.cpuPercent > 0 && w.hub.rssMiB > 10 && w.hub.rssMaxMiB >= w.hub.rssMiB,
    "hub usage from /proc",
  );
  // Whole heartbeats only: a window holds about clusters × seconds / interval of them.
  assert.ok(w.heartbeats.processed >= clusters * 2, JSON.stringify(w.heartbeats));
  assert.ok(Math.abs(w.heartbeats.sent - w.heartbeats.processed) <= clusters, JSON.stringify(w.heartbeats));
  for (const h of [w.hubProcessing, w.statusWrite]) {
    assert.equal(h.count, w.heartbeats.processed);
    assert.ok(h.p50Ms > 0 && h.p50Ms <= h.p90Ms && h.p90Ms <= h.p99Ms, JSON.stringify(h));
    assert.equal(h.buckets.at(-1).count, h.count);
  }
  for (const l of [w.endToEnd.sendToStamp, w.endToEnd.sendToWatch]) {
    assert.ok(l.count >= clusters * 2, JSON.stringify(l));
    assert.ok(l.p50Ms <= l.p99Ms && l.p99Ms <= l.maxMs);
  }
  assert.ok(
    w.endToEnd.sendToWatch.p50Ms >= w.endToEnd.sendToStamp.p50Ms,
    "the watch sees a heartbeat after it is stamped",
  );
  assert.equal(w.endToEnd.watchErrors, 0);
  assert.deepEqual(
    [out.end.clusters, out.end.ready, out.end.allReady, out.end.connectedAgents, out.end.agentsExited],
    [clusters, clusters, true, clusters, 0],
  );
  assert.equal(typeof out.target.met, "boolean");
});
