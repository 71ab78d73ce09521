// The shared min-heap: items come out by key, whatever the order they went in; retain() drops
// items without breaking the order.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MinHeap } from "./min-heap.ts";

test("pops in key order, duplicates included", () => {
  const h = new MinHeap<{ at: number; id: number }>((e) => e.at);
  const keys = [5, 3, 9, 1, 3, 7, 0, 8, 2, 6, 4, 9];
  for (const [id, at] of keys.entries()) h.push({ at, id });
  assert.equal(h.size, keys.length);
  assert.equal(h.peek()?.at, 0);
  const out: number[] = [];
  for (let e = h.pop(); e; e = h.pop()) out.push(e.at);
  assert.deepEqual(
    out,
    [...keys].sort((a, b) => a - b),
  );
  assert.equal(h.pop(), undefined);
});

test("retain keeps the heap ordered", () => {
  const h = new MinHeap<number>((n) => n);
  for (let i = 100; i > 0; i--) h.push(i);
  h.retain((n) => n % 3 === 0);
  assert.equal(h.size, 33);
  const out: number[] = [];
  for (let n = h.pop(); n !== undefined; n = h.pop()) out.push(n);
  assert.deepEqual(
    out,
    Array.from({ length: 33 }, (_, i) => 3 * (i + 1)),
  );
  h.push(1);
  h.clear();
  assert.equal(h.size, 0);
});
