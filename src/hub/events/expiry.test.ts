import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import type { KubeObject } from "../../apis/meta/types.ts";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import type { Store } from "../../storage/store.ts";
import { eventually } from "../clusters/testing.ts";
import { hubResourceRegistry } from "../hub.ts";
import { EventExpiry, type ExpiryClock } from "./expiry.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** A clock whose timers fire only when the test advances it. */
function fakeClock(start: number) {
  let now = start;
  let ids = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: ExpiryClock & { pending(): number; advance(ms: number): void } = {
    now: () => now,
    setTimeout(fn, ms) {
      timers.set(++ids, { at: now + ms, fn });
      return ids;
    },
    clearTimeout: (h) => timers.delete(h as number),
    pending: () => timers.size,
    advance(ms) {
      now += ms;
      for (const [h, t] of [...timers]) {
        if (t.at > now) continue;
        timers.delete(h);
        t.fn();
      }
    },
  };
  return clock;
}

/** The store as the expiry controller sees it, counting its lists and delete transactions. */
function counted(store: Store) {
  const calls = { range: 0, deleteTxns: 0 };
  const spy: Store = {
    engine: store.engine,
    get: (...a) => store.get(...a),
    range: (...a) => {
      calls.range++;
      return store.range(...a);
    },
    txn: (compares, ops) => {
      if (ops.some((o) => o.type === "delete")) calls.deleteTxns++;
      return store.txn(compares, ops);
    },
    watch: (...a) => store.watch(...a),
    currentRevision: () => store.currentRevision(),
    compactedRevision: () => store.compactedRevision(),
    compact: (r) => store.compact(r),
    close: () => store.close(),
  };
  return { spy, calls };
}

async function setup() {
  const store = openMemoryStore();
  const client = new InternalClient(new ObjectStore(store), hubResourceRegistry());
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } });
  const event = (name: string, fields: Record<string, unknown>): Promise<KubeObject> =>
    client.create({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: "team-a" },
      involvedObject: { apiVersion: "v1", kind: "ConfigMap", name: "x", namespace: "team-a" },
      reason: "Test",
      message: name,
      type: "Normal",
      ...fields,
    });
  const names = async () => (await client.list("v1", "Event", "team-a")).map((e) => e.metadata.name).sort();
  return { store, client, event, names };
}

test("Events are deleted a TTL after their last activity, on one timer, without relisting", async (t) => {
  const { store, client, event, names } = await setup();
  // Events created now (creationTimestamp: real time) are judged by a clock 90 minutes ahead.
  const t0 = Math.floor(Date.now() / 1000) * 1000;
  await event("old", { lastTimestamp: stamp(t0 - HOUR) }); // expired at t0+60m: before the start
  await event("recent", { lastTimestamp: stamp(t0 + 80 * MIN) }); // start+50m
  await event("series", {
    lastTimestamp: stamp(t0),
    series: { count: 4, lastObservedTime: stamp(t0 + 85 * MIN) },
  }); // start+55m
  await event("event-time", { eventTime: stamp(t0 + 70 * MIN) }); // start+40m
  await event("future", { lastTimestamp: stamp(t0 + 10 * HOUR) }); // a skewed clock: start+60m
  const { spy, calls } = counted(store);
  const clock = fakeClock(t0 + 90 * MIN);
  const expiry = new EventExpiry({
    store: spy,
    registry: client.registry,
    log: pino({ level: "silent" }),
    clock,
  });
  t.after(() => expiry.stop());
  await expiry.synced;
  const listsAtStart = calls.range;

  // Expired while the hub was down: deleted at once.
  clock.advance(0);
  await expiry.idle();
  assert.deepEqual(await names(), ["event-time", "future", "recent", "series"]);
  assert.equal(clock.pending(), 1, "one timer, for the earliest expiry");

  clock.advance(40 * MIN);
  await expiry.idle();
  assert.deepEqual(await names(), ["future", "recent", "series"]);

  // A repeat bumps "recent": it is kept for another TTL from now.
  const recent = (await client.get({
    apiVersion: "v1",
    kind: "Event",
    namespace: "team-a",
    name: "recent",
  }))!;
  await client.update({ ...recent, count: 2, lastTimestamp: stamp(clock.now()) } as KubeObject);
  // The watch delivers in order: once this later Event is indexed, so is the bump.
  await event("marker", { lastTimestamp: stamp(t0 + 10 * HOUR) }); // start+40m+60m
  await eventually(
    async () => expiry.size,
    (n) => n === 4,
  );

  clock.advance(10 * MIN); // start+50m: "recent" would have gone now
  await expiry.idle();
  assert.deepEqual(await names(), ["future", "marker", "recent", "series"]);
  clock.advance(5 * MIN);
  await expiry.idle();
  assert.deepEqual(await names(), ["future", "marker", "recent"]);
  clock.advance(5 * MIN);
  await expiry.idle();
  assert.deepEqual(await names(), ["marker", "recent"]);
  clock.advance(40 * MIN);
  await expiry.idle();
  assert.deepEqual(await names(), []);
  assert.equal(expiry.expired, 6);
  assert.equal(calls.range, listsAtStart, "sweeps list nothing");
  assert.equal(clock.pending(), 0, "nothing left to expire, no timer");
});

test("expired Events go in batched transactions; one rewritten meanwhile is kept", async (t) => {
  const { store, client, event, names } = await setup();
  const t0 = Date.now();
  for (let i = 0; i < 450; i++) await event(`e-${String(i).padStart(3, "0")}`, {});
  const { spy, calls } = counted(store);
  // The delete transaction of e-007 finds it rewritten just before: its compare fails.
  const txn = spy.txn;
  let raced = false;
  spy.txn = async (compares, ops) => {
    if (!raced && ops.length > 1 && ops.some((o) => o.key.endsWith("/e-007"))) {
      raced = true;
      const e7 = await client.get({ apiVersion: "v1", kind: "Event", namespace: "team-a", name: "e-007" });
      await client.update({ ...e7!, count: 2, lastTimestamp: stamp(t0 + 2 * HOUR) } as KubeObject);
    }
    return txn(compares, ops);
  };
  const clock = fakeClock(t0 + 2 * HOUR);
  const expiry = new EventExpiry({
    store: spy,
    registry: client.registry,
    log: pino({ level: "silent" }),
    clock,
    batchSize: 200,
  });
  t.after(() => expiry.stop());
  await expiry.synced;
  clock.advance(0);
  await expiry.idle();
  const left = await names();
  assert.ok(left.includes("e-007"), "rewritten after it was indexed: judged again, not deleted");
  assert.equal(left.filter((n) => n?.startsWith("e-")).length, 1);
  assert.equal(expiry.expired, 449);
  // 200 + 200 + 50, and the first batch again without the Event whose compare failed.
  assert.equal(calls.deleteTxns, 4);
  // The rewrite reaches the index and expires a TTL after its new lastTimestamp.
  await eventually(
    async () => clock.pending(),
    (n) => n === 1,
  );
  clock.advance(HOUR);
  await expiry.idle();
  assert.equal((await names()).includes("e-007"), false);
});
