import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import { DirtyQueue } from "./dirty-queue.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = pino({ level: "silent" });

test("a burst of marks on a key becomes one pass, with the time of the first mark", async () => {
  const passes: [string, number][] = [];
  const q = new DirtyQueue({ log, delayMs: 20, process: async (k, since) => void passes.push([k, since]) });
  q.add("a", 1000);
  q.add("b", 1500);
  q.add("a", 2000);
  q.add("a", 900);
  await q.idle();
  assert.deepEqual(passes, [
    ["a", 900],
    ["b", 1500],
  ]);
});

test("a key is never processed twice at once; marked while running, it runs again after", async () => {
  let active = 0;
  let overlap = false;
  let passes = 0;
  const q = new DirtyQueue({
    log,
    concurrency: 4,
    process: async () => {
      if (active++) overlap = true;
      passes++;
      await sleep(30);
      active--;
    },
  });
  q.add("a");
  await sleep(5);
  q.add("a");
  q.add("a");
  await q.idle();
  assert.equal(overlap, false);
  assert.equal(passes, 2);
});

test("at most `concurrency` keys run at once; a failing pass is retried", async () => {
  let active = 0;
  let peak = 0;
  let failed = false;
  const done: string[] = [];
  const q = new DirtyQueue({
    log,
    concurrency: 2,
    retryMs: 10,
    process: async (k) => {
      active++;
      peak = Math.max(peak, active);
      await sleep(10);
      active--;
      if (k === "c" && !failed) {
        failed = true;
        throw new Error("boom");
      }
      done.push(k);
    },
  });
  for (const k of ["a", "b", "c", "d"]) q.add(k);
  await q.idle();
  assert.equal(peak, 2);
  assert.deepEqual([...done].sort(), ["a", "b", "c", "d"]);
});
