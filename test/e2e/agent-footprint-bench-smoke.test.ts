// The agent-footprint benchmark's harness works: bench/agent-footprint.bench.ts with a 10-node
// member and a few seconds of steady state (real hub, mcp-sim and mcp-agent processes) gets the
// agent Ready, its Works applied and its audit reported, samples its memory from /proc and its
// heap from the agent itself, and prints the JSON the issue asks for. Nothing is judged: this
// checks the harness, not the agent's size.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runBench } from "./support/bench.ts";

const SPREAD_KEYS = ["last", "max", "mean", "min"];

test("agent-footprint benchmark prints complete JSON for a small member", { timeout: 240_000 }, async () => {
  const r = await runBench(
    "agent-footprint",
    {
      BENCH_NODES: "10",
      BENCH_INTERVAL_S: "1",
      BENCH_WINDOW_S: "3",
      BENCH_WORKS: "2",
      BENCH_DURABILITY: "normal",
    },
    220_000,
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.benchmark, "agent-footprint");
  assert.equal(out.config.nodes, 10);
  assert.equal(out.met, null, "100 nodes were not measured");
  assert.match(out.target, /64 MiB/);
  assert.ok(out.agentNodeFlags.includes("--max-semi-space-size=1"), "bin/mcp-agent's flags");
  assert.ok(out.auditedObjects > 0, "the audit judged the member's objects");
  for (const at of [out.baseline, out.loaded]) {
    assert.ok(at.rssMiB > 20 && at.anonMiB > 0 && at.fileMiB > 0, JSON.stringify(at));
    assert.ok(at.heapUsedMiB > 1, "the agent reported its heap");
  }
  const s = out.steady;
  assert.ok(s.seconds >= 3 && s.samples > 3);
  for (const k of ["rssMiB", "anonMiB", "fileMiB", "heapUsedMiB", "heapTotalMiB", "externalMiB"])
    assert.deepEqual(Object.keys(s[k]).sort(), SPREAD_KEYS, k);
  assert.ok(s.rssMiB.min <= s.rssMiB.mean && s.rssMiB.mean <= s.rssMiB.max);
  assert.ok(out.peak.hwmMiB >= s.rssMiB.max - 0.01, "VmHWM covers the window");
  assert.equal(typeof s.cpuPercent, "number");
  assert.deepEqual(out.end.ready, true);
  assert.ok(out.diagnose.score >= 0 && out.diagnose.rssMiB > 20, JSON.stringify(out.diagnose));
  assert.ok(out.timeline.length >= 2 && out.timeline.every((p: { rssMiB: number }) => p.rssMiB >= 0));
});
