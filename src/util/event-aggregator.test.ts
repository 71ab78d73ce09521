// client-go's EventAggregator semantics: distinct messages of one reason on one object are
// combined from the 10th on, the window resets after 10 minutes, and old records are pruned.
import assert from "node:assert/strict";
import { test } from "node:test";
import { COMBINED_PREFIX, EventAggregator, hash53 } from "./event-aggregator.ts";

test("the 10th distinct message within the window is combined, repeats are not", () => {
  const agg = new EventAggregator();
  const t0 = 1_000_000;
  for (let i = 0; i < 9; i++) assert.equal(agg.aggregate(1, `m${i}`, t0).combined, false);
  assert.equal(agg.aggregate(1, "m0", t0).combined, false, "a repeat is not a new message");
  assert.deepEqual(agg.aggregate(1, "m9", t0), { message: `${COMBINED_PREFIX}m9`, combined: true });
  assert.equal(agg.aggregate(1, "m10", t0).combined, true);
  assert.equal(agg.aggregate(2, "m10", t0).combined, false, "another object counts apart");
  // After 10 quiet minutes the object starts afresh.
  assert.equal(agg.aggregate(1, "m11", t0 + 600_001).combined, false);
});

test("records outside the window are pruned, and the cache is bounded", () => {
  const agg = new EventAggregator({ cacheSize: 3 });
  agg.aggregate(1, "a", 0);
  agg.aggregate(2, "a", 500_000);
  agg.aggregate(3, "a", 700_000);
  agg.aggregate(4, "a", 700_000);
  assert.equal(agg.size, 3, "the least recently used went");
  agg.prune(1_200_000);
  assert.equal(agg.size, 2);
});

test("hash53 is stable and spreads", () => {
  assert.equal(hash53("abc"), hash53("abc"));
  assert.notEqual(hash53("abc"), hash53("abd"));
  assert.notEqual(hash53("abc", 1), hash53("abc"));
  assert.ok(Number.isSafeInteger(hash53("x".repeat(1000))));
});
