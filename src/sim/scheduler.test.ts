// The shared scheduler: periodic runs, pokes, no overlapping runs of one task, cancel and stop.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SimScheduler } from "./scheduler.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("runs every task periodically, first within one interval", async (t) => {
  const s = new SimScheduler();
  t.after(() => s.stop());
  const counts = [0, 0, 0];
  for (let i = 0; i < counts.length; i++)
    s.every(`t${i}`, 40, async () => {
      counts[i]++;
    });
  // A loaded machine only makes timers late: wait for four runs each, then check that none ran
  // more often than its interval allows.
  const started = Date.now();
  while (counts.some((c) => c < 4) && Date.now() - started < 10_000) await sleep(10);
  const elapsed = Date.now() - started;
  for (const c of counts)
    assert.ok(c >= 4 && c <= Math.floor(elapsed / 40) + 2, `ran ${c} times in ${elapsed} ms`);
});

test("poke runs a task now; cancel stops it", async (t) => {
  const s = new SimScheduler();
  t.after(() => s.stop());
  let runs = 0;
  const task = s.every("slow", 10_000, async () => void runs++, { firstDelayMs: 10_000 });
  task.poke();
  await sleep(20);
  assert.equal(runs, 1);
  task.cancel();
  task.poke();
  await sleep(20);
  assert.equal(runs, 1);
});

test("runs of one task never overlap; a poke during a run runs it again after", async (t) => {
  const s = new SimScheduler();
  t.after(() => s.stop());
  let active = 0;
  let maxActive = 0;
  let runs = 0;
  const task = s.every(
    "busy",
    10,
    async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      runs++;
      await sleep(30);
      active--;
    },
    { firstDelayMs: 0 },
  );
  await sleep(5);
  task.poke();
  await sleep(100);
  assert.equal(maxActive, 1);
  assert.ok(runs >= 2);
});

test("failures are reported and the task keeps its schedule; concurrency is bounded", async (t) => {
  const errors: string[] = [];
  const s = new SimScheduler({ concurrency: 2, onError: (e, name) => errors.push(`${name}: ${e}`) });
  t.after(() => s.stop());
  let active = 0;
  let maxActive = 0;
  for (let i = 0; i < 6; i++)
    s.every(
      `t${i}`,
      1000,
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(10);
        active--;
      },
      { firstDelayMs: 0 },
    );
  let fails = 0;
  s.every(
    "bad",
    20,
    async () => {
      fails++;
      throw new Error("boom");
    },
    { firstDelayMs: 0 },
  );
  await sleep(120);
  assert.equal(maxActive, 2);
  assert.ok(fails >= 2);
  assert.match(errors[0], /bad: Error: boom/);
});
