// The ack buffer: acks wait while the builder is busy (at most maxDelayMs), a newer ack from a
// cluster replaces a waiting one, one cluster's writes never overlap and stay in order, and stop
// writes what was accepted.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import pino from "pino";
import { AckBuffer } from "./ack-buffer.ts";
import type { Ack } from "./work-status.ts";

const ack = (revision: number): Ack => ({ revision, statuses: [] });

function harness(o: { busy?: () => boolean; maxDelayMs?: number; writeMs?: number } = {}) {
  const written: string[] = [];
  const inFlight = new Set<string>();
  let overlapped = false;
  const buffer = new AckBuffer({
    busy: o.busy ?? (() => false),
    maxDelayMs: o.maxDelayMs ?? 60_000,
    pollMs: 5,
    log: pino({ level: "silent" }),
    async write(cluster, a) {
      if (inFlight.has(cluster)) overlapped = true;
      inFlight.add(cluster);
      await sleep(o.writeMs ?? 0);
      inFlight.delete(cluster);
      written.push(`${cluster}@${a.revision}`);
    },
  });
  return { buffer, written, overlapped: () => overlapped };
}

test("an ack is written at once when the builder is idle", async () => {
  const h = harness();
  h.buffer.add("c1", ack(1));
  await h.buffer.idle();
  assert.deepEqual(h.written, ["c1@1"]);
});

test("while the builder is busy acks wait, and a newer ack from a cluster replaces the waiting one", async () => {
  let busy = true;
  const h = harness({ busy: () => busy });
  h.buffer.add("c1", ack(1));
  h.buffer.add("c2", ack(1));
  h.buffer.add("c1", ack(2));
  await sleep(50);
  assert.deepEqual(h.written, [], "nothing written while the builder is busy");
  assert.equal(h.buffer.size, 2);
  busy = false;
  await h.buffer.idle();
  assert.deepEqual(h.written.sort(), ["c1@2", "c2@1"]);
});

test("a builder that stays busy holds an ack for maxDelayMs at most", async () => {
  const h = harness({ busy: () => true, maxDelayMs: 40 });
  const at = Date.now();
  h.buffer.add("c1", ack(1));
  await h.buffer.idle();
  assert.deepEqual(h.written, ["c1@1"]);
  assert.ok(Date.now() - at >= 40, "not before maxDelayMs");
});

test("one cluster's writes never overlap; an ack arriving during a write follows it", async () => {
  const h = harness({ writeMs: 30 });
  h.buffer.add("c1", ack(1));
  await sleep(10);
  h.buffer.add("c1", ack(2));
  h.buffer.add("c1", ack(3));
  await h.buffer.idle();
  assert.deepEqual(h.written, ["c1@1", "c1@3"]);
  assert.equal(h.overlapped(), false);
});

test("stop writes the accepted acks without waiting for the builder, and takes no more", async () => {
  const h = harness({ busy: () => true });
  h.buffer.add("c1", ack(1));
  h.buffer.add("c2", ack(4));
  await h.buffer.stop();
  assert.deepEqual(h.written.sort(), ["c1@1", "c2@4"]);
  h.buffer.add("c3", ack(1));
  await sleep(20);
  assert.deepEqual(h.written.sort(), ["c1@1", "c2@4"]);
});
