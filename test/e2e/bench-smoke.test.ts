// The benchmark harness itself works: bench/apiserver.bench.ts at tiny sizes against the real
// hub prints the JSON the issue asks for, every watcher sees every update, and no request fails.
// Sizes are tiny and nothing is timed: this checks the harness, not the server's speed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runBench } from "./support/bench.ts";

const LATENCY_KEYS = ["count", "opsPerSec", "meanMs", "p50Ms", "p90Ms", "p99Ms", "maxMs"];

function assertLatency(l: Record<string, number>, count: number, what: string) {
  assert.deepEqual(Object.keys(l).sort(), [...LATENCY_KEYS].sort(), `${what} latency keys`);
  assert.equal(l.count, count, `${what} sample count`);
  assert.ok(l.opsPerSec > 0, `${what} throughput`);
  assert.ok(l.p50Ms > 0 && l.p50Ms <= l.p90Ms && l.p90Ms <= l.p99Ms && l.p99Ms <= l.maxMs, `${what} order`);
}

test("apiserver benchmark prints complete JSON at tiny sizes", { timeout: 120_000 }, async () => {
  const r = await runBench(
    "apiserver",
    {
      BENCH_OBJECTS: "50",
      BENCH_WATCHERS: "3",
      BENCH_UPDATES: "20",
      BENCH_LISTS: "3",
      BENCH_PAGE_SIZE: "20",
      BENCH_PAGED_LISTS: "2",
      BENCH_DURABILITY: "normal",
    },
    10 * 60_000,
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.benchmark, "apiserver");
  assert.equal(out.config.objects, 50);
  assert.equal(out.runs.length, 1);
  const run = out.runs[0];
  assert.equal(run.durability, "normal");
  const { create, get, list, listPaged, watchFanout } = run.phases;

  assertLatency(create.latency, 50, "create");
  assertLatency(get.latency, 50, "get");
  assertLatency(list.latency, 3, "list");
  assertLatency(listPaged.page, 2 * 3, "page");
  assertLatency(watchFanout.write, 20, "update");
  assertLatency(watchFanout.delivery, 3 * 20, "delivery");
  for (const p of [create, get, list, listPaged, watchFanout]) {
    assert.equal(p.errors, 0, p.firstError);
    assert.ok(p.wallMs > 0);
    assert.ok(p.server.cpuSeconds >= 0 && p.server.rssMiB > 10, "server usage comes from /proc");
    assert.ok(p.server.rssMaxMiB >= p.server.rssMiB);
  }
  assert.ok(list.items >= 50 && list.bytesPerList > 50 * 256, "the full list carries every object");
  assert.equal(listPaged.pagesPerWalk, Math.ceil(list.items / 20));
  assert.equal(listPaged.items, list.items);
  assert.equal(watchFanout.missing, 0, "every watcher got every event");
  assert.equal(watchFanout.duplicates, 0);
  assert.equal(watchFanout.watchErrors, 0);
  assert.equal(watchFanout.eventsDelivered, 3 * 20);
});
