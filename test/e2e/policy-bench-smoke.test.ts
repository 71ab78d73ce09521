// The policy benchmark's harness works: bench/policy.bench.ts at tiny sizes against the real hub
// measures the admission plugin and HTTP writes for each policy count (every write admitted) and
// times a policy change reaching every connected agent, printing the JSON the issue asks for.
// Sizes are tiny and nothing is timed: this checks the harness, not the speed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runBench } from "./support/bench.ts";

const LATENCY_KEYS = ["count", "opsPerSec", "meanMs", "p50Ms", "p90Ms", "p99Ms", "maxMs"];

function assertLatency(l: Record<string, number>, count: number, what: string) {
  assert.deepEqual(Object.keys(l).sort(), [...LATENCY_KEYS].sort(), `${what} keys`);
  assert.equal(l.count, count, `${what} count`);
  assert.ok(l.p50Ms > 0 && l.p50Ms <= l.p90Ms && l.p90Ms <= l.p99Ms && l.p99Ms <= l.maxMs, `${what} order`);
}

test("policy benchmark prints complete JSON at tiny sizes", { timeout: 5 * 60_000 }, async () => {
  const r = await runBench(
    "policy",
    {
      BENCH_POLICY_COUNTS: "0,3",
      BENCH_WRITES: "10",
      BENCH_EVALUATIONS: "50",
      BENCH_AGENTS: "3",
      BENCH_ROUNDS: "3",
      BENCH_DURABILITY: "normal",
    },
    4 * 60_000,
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.benchmark, "policy");
  assert.deepEqual(out.config.policyCounts, [0, 3]);
  assert.match(out.target, /< 500 ms/);
  assert.equal(typeof out.met, "boolean");

  assert.deepEqual(
    out.plugin.map((p: { policies: number; rules: number }) => [p.policies, p.rules]),
    [
      [0, 0],
      [3, 6],
    ],
  );
  for (const p of out.plugin) {
    assert.equal(p.evaluations, 50);
    assert.ok(p.us.p50 > 0 && p.us.p50 <= p.us.p99 && p.us.p99 <= p.us.max);
  }
  assert.deepEqual(
    out.writes.map((w: { policies: number }) => w.policies),
    [0, 3],
  );
  for (const w of out.writes) assertLatency(w.writes, 10, `writes with ${w.policies} policies`);
  assert.deepEqual(out.writeOverheadVsFirst[0], { policies: 0, p50Ms: 0, p99Ms: 0 });

  assert.equal(out.distribution.agents, 3);
  assertLatency(out.distribution.allAgentsMs, 3, "all agents");
  assertLatency(out.distribution.perAgentMs, 3 * 3, "per agent");
  assert.ok(out.distribution.allAgentsMs.maxMs >= out.distribution.perAgentMs.p50Ms);
});
