import assert from "node:assert/strict";
import { test } from "node:test";
import { IdleWaiters, RetryBackoff } from "./queue-retry.ts";

test("a key's retry wait doubles per failure in a row, up to 30 s; a success starts it over", () => {
  const r = new RetryBackoff(100);
  assert.deepEqual(
    Array.from({ length: 10 }, () => r.failed("a")),
    [100, 200, 400, 800, 1600, 3200, 6400, 12_800, 25_600, 30_000],
  );
  assert.equal(r.failed("b"), 100, "counted per key");
  r.succeeded("a");
  assert.equal(r.failed("a"), 100);
});

test("a scheduled retry replaces the key's waiting one; cancel drops them all", async () => {
  const r = new RetryBackoff();
  const fired: string[] = [];
  r.schedule("a", 5, () => fired.push("a1"));
  r.schedule("a", 5, () => fired.push("a2"));
  r.schedule("b", 1000, () => fired.push("b"));
  assert.equal(r.waiting, 2);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(fired, ["a2"]);
  assert.equal(r.waiting, 1);
  r.cancel();
  assert.equal(r.waiting, 0);
});

test("idle waiters resolve on the first notify that finds the queue idle", async () => {
  const w = new IdleWaiters();
  await w.wait(true);
  let done = false;
  const waiting = w.wait(false).then(() => {
    done = true;
  });
  w.notify(false);
  await Promise.resolve();
  assert.equal(done, false);
  w.notify(true);
  await waiting;
  assert.equal(done, true);
});
