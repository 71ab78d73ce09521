import assert from "node:assert/strict";
import { test } from "node:test";
import { WorkQueue } from "./queue.ts";

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
async function waitFor(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await tick(2);
}

test("keys added before start, or many times, are processed once", async (t) => {
  const seen: string[] = [];
  const q = new WorkQueue(async (k) => {
    seen.push(k);
  });
  t.after(() => q.stop());
  q.add("a");
  q.add("b");
  q.add("a");
  await tick();
  assert.deepEqual(seen, [], "nothing runs before start()");
  q.start();
  await tick();
  assert.deepEqual(seen, ["a", "b"]);
});

test("a key added while it is processed runs again afterwards, never concurrently", async (t) => {
  let running = 0;
  let maxRunning = 0;
  const seen: string[] = [];
  let release!: () => void;
  const q = new WorkQueue(async (k) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    seen.push(k);
    if (seen.length === 1) await new Promise<void>((r) => (release = r));
    running--;
  });
  t.after(() => q.stop());
  q.start();
  q.add("a");
  await tick();
  q.add("a");
  q.add("a");
  release();
  await waitFor(() => seen.length === 2);
  await tick(5);
  assert.deepEqual(seen, ["a", "a"]);
  assert.equal(maxRunning, 1);
});

test("delayed keys share one timer; the earliest due time wins", async (t) => {
  const seen: [string, number][] = [];
  const start = Date.now();
  const q = new WorkQueue(async (k) => {
    seen.push([k, Date.now() - start]);
  });
  t.after(() => q.stop());
  q.start();
  q.addAfter("slow", 60);
  q.addAfter("fast", 20);
  q.addAfter("slow", 40);
  q.addAfter("slow", 200);
  await waitFor(() => seen.length === 2);
  assert.deepEqual(
    seen.map(([k]) => k),
    ["fast", "slow"],
  );
  assert.ok(seen[0][1] >= 19 && seen[1][1] >= 39, JSON.stringify(seen));
  assert.ok(seen[1][1] < 190, "the later, longer delay did not replace the earlier one");
});

test("failures retry with growing back-off and are reported", async (t) => {
  const attempts: number[] = [];
  const errors: number[] = [];
  const q = new WorkQueue(
    async () => {
      attempts.push(Date.now());
      if (attempts.length < 3) throw new Error("boom");
    },
    { baseBackoffMs: 10, onError: (_k, _e, n) => errors.push(n) },
  );
  t.after(() => q.stop());
  q.start();
  q.add("k");
  await waitFor(() => attempts.length === 3);
  assert.equal(attempts.length, 3);
  assert.deepEqual(errors, [1, 2]);
  // Timers never fire early: the waits are at least 10 ms, then 20 ms.
  assert.ok(attempts[1] - attempts[0] >= 9 && attempts[2] - attempts[1] >= 19, JSON.stringify(attempts));
});

test("stop waits for the key being processed and drops the rest", async (t) => {
  const seen: string[] = [];
  let release!: () => void;
  const q = new WorkQueue(async (k) => {
    seen.push(k);
    await new Promise<void>((r) => (release = r));
  });
  q.start();
  q.add("a");
  q.add("b");
  q.addAfter("c", 5);
  await tick();
  const stopped = q.stop();
  release();
  await stopped;
  await tick(10);
  assert.deepEqual(seen, ["a"]);
  t.diagnostic("stopped cleanly");
});
