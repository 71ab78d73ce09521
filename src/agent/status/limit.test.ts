import assert from "node:assert/strict";
import { test } from "node:test";
import { createLimiter } from "./limit.ts";

test("never runs more than the limit at once, in arrival order, and passes results and errors through", async () => {
  const limit = createLimiter(2);
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const task = (i: number) =>
    limit(async () => {
      started.push(i);
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (i === 3) throw new Error("task 3");
      return i * 10;
    });
  const results = await Promise.allSettled([0, 1, 2, 3, 4, 5].map(task));
  assert.equal(peak, 2);
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(
    results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message)),
    [0, 10, 20, "task 3", 40, 50],
  );
  // A newcomer arriving while a slot is being handed over cannot overtake the queue.
  const order: string[] = [];
  const one = createLimiter(1);
  const a = one(async () => order.push("a"));
  const b = one(async () => order.push("b"));
  await a;
  const c = one(async () => order.push("c"));
  await Promise.all([b, c]);
  assert.deepEqual(order, ["a", "b", "c"]);
  assert.throws(() => createLimiter(0), /at least 1/);
});
