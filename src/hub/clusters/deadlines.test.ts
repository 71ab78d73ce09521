import assert from "node:assert/strict";
import { test } from "node:test";
import { DeadlineQueue } from "./deadlines.ts";

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
}

test("fires each key once, in deadline order; moved and cancelled keys follow their latest schedule", async () => {
  const fired: string[] = [];
  const q = new DeadlineQueue((k) => fired.push(k));
  const t = Date.now();
  q.schedule("c", t + 60);
  q.schedule("a", t + 20);
  q.schedule("b", t + 40);
  q.schedule("moved", t + 10);
  q.schedule("moved", t + 80); // a heartbeat pushed it out
  q.schedule("gone", t + 30);
  q.cancel("gone");
  assert.equal(q.size, 4);
  await until(() => fired.length === 4);
  assert.deepEqual(fired, ["a", "b", "c", "moved"]);
  assert.equal(q.size, 0);
  q.stop();
});

test("a key scheduled from inside a firing is kept; stop silences everything", async () => {
  const fired: string[] = [];
  const q = new DeadlineQueue((k) => {
    fired.push(k);
    if (fired.length < 3) q.schedule(k, Date.now() + 5);
  });
  q.schedule("again", Date.now());
  await until(() => fired.length === 3);
  q.schedule("late", Date.now() + 20);
  q.stop();
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(fired, ["again", "again", "again"]);
});

test("ten thousand reschedules keep the heap bounded and fire once per live key", async () => {
  let fired = 0;
  const q = new DeadlineQueue(() => fired++);
  const base = Date.now() + 30;
  for (let round = 0; round < 10; round++) for (let i = 0; i < 1000; i++) q.schedule(`c${i}`, base + round);
  assert.equal(q.size, 1000);
  assert.ok((q as unknown as { heap: { size: number } }).heap.size <= 2 * 1000 + 64 + 1);
  await until(() => fired === 1000);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(fired, 1000);
  q.stop();
});
