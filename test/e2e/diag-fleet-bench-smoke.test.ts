// The fleet diagnostics benchmark's harness works: bench/diag-fleet.bench.ts at a tiny size (real
// hub, mcp-sim and agent fleet) runs every scan to its last report and prints the JSON the issue
// asks for: wall time per scan and hub CPU from /proc. Nothing is timed: this checks the harness,
// not the hub's speed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runBench } from "./support/bench.ts";

test("diag-fleet benchmark prints complete JSON for a small fleet", { timeout: 300_000 }, async () => {
  const clusters = 3;
  const r = await runBench(
    "diag-fleet",
    {
      BENCH_DIAG_SIZES: String(clusters),
      BENCH_DIAG_SCANS: "2",
      BENCH_DIAG_PAUSE_MS: "500",
      BENCH_NODES: "2",
      BENCH_DURABILITY: "normal",
    },
    280_000,
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.benchmark, "diag-fleet");
  assert.deepEqual(out.config.sizes, [clusters]);
  assert.equal(out.sizes.length, 1);
  const size = out.sizes[0];
  assert.equal(size.error, undefined, size.error);
  assert.equal(size.clusters, clusters);
  assert.equal(size.agentsExited, 0, size.firstAgentExit);
  assert.deepEqual(
    size.perScan.map((s: { scan: string }) => s.scan),
    [`bench-${clusters}-1`, `bench-${clusters}-2`],
  );
  for (const s of size.perScan) {
    assert.deepEqual(
      [s.clusters, s.offline, s.reports, s.missing, s.failed],
      [clusters, 0, clusters, 0, 0],
      JSON.stringify(s),
    );
    assert.ok(s.wallMs > 0 && s.reportArrivalMs.last <= s.wallMs && s.createMs <= s.wallMs);
    assert.ok(s.score.min >= 0 && s.score.max <= 100, "the reports carry scores");
    for (const p of ["hub", "sim", "agents"])
      assert.ok(s.usage[p].cpuSeconds >= 0 && s.usage[p].rssMiB > 10, `${p} usage from /proc`);
    assert.equal(s.hubCpuSeconds, s.usage.hub.cpuSeconds);
    assert.ok(
      s.usage.machine.cpuPercent >= 0 && s.usage.machine.loadAverage1m >= 0,
      "machine CPU from /proc/stat",
    );
  }
  assert.equal(size.summary.missing, 0);
  assert.ok(size.summary.wallMsMedian > 0);
});
