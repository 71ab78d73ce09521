// Watch half of the Store conformance suite (registered by runStoreConformance): replay then
// live delivery without gaps or duplicates, prevKv, prefix isolation, fan-out, compaction,
// cancellation, and bounded memory for consumers that stop reading.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  assertRevisions,
  assertSameEvents,
  del,
  expectStoreError,
  expectWatchCompacted,
  iterate,
  nextEvent,
  type OpenStore,
  openFor,
  put,
  putMany,
  take,
} from "./conformance-helpers.ts";
import type { StoreEvent } from "./store.ts";

const revisionsOf = (evs: StoreEvent[]) => evs.map((e) => e.revision);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export function registerWatchConformance(open: OpenStore): void {
  test("watch replays history, then live events; a resumed watch misses nothing", async (t) => {
    const store = await openFor(t, open);
    const ac = new AbortController();
    t.after(() => ac.abort());
    await putMany(store, (i) => `/w/k${i % 300}`, 1000);
    const start = await store.currentRevision();
    const total = 10_000;
    const live = iterate(store, "/w/", 0, ac.signal);
    const writer = (async () => {
      for (let i = 0; i < total; i += 100) {
        const wave = range(i, i + 99).map((j) =>
          j % 10 === 9 ? del(store, `/w/k${(j * 7) % 300}`) : put(store, `/w/k${j % 300}`, `{"j":${j}}`),
        );
        await Promise.all(wave);
        // Let the watchers run between waves, so replay and live delivery really interleave.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    // Starts behind (history), catches up while the writer runs, stops half-way, and a second
    // watcher resumes from the last revision it saw.
    const firstAc = new AbortController();
    const first = iterate(store, "/w/", start - 500, firstAc.signal);
    const part1 = await take(first, 5000);
    firstAc.abort();
    assert.equal(await nextEvent(first), "done");
    const resumed = iterate(store, "/w/", part1[part1.length - 1].revision, ac.signal);
    await writer;
    const end = await store.currentRevision();
    const part2 = await take(resumed, end - part1[part1.length - 1].revision);
    const joined = [...part1, ...part2];
    assertRevisions(joined, start - 499, end, "stopped + resumed watch");
    const liveEvents = await take(live, end - start);
    assertSameEvents(liveEvents, joined.slice(joined.length - liveEvents.length), "live vs replayed");
    const replay = await take(iterate(store, "/w/", start, ac.signal), end - start);
    assertSameEvents(replay, liveEvents, "replay after the fact vs live");
    // The events rebuild exactly the current state.
    const state = new Map(
      (await store.range("/w/", { revision: start })).items.map((kv) => [kv.key, kv.value]),
    );
    for (const ev of liveEvents) {
      if (ev.type === "put") state.set(ev.kv.key, ev.kv.value);
      else state.delete(ev.kv.key);
    }
    const now = (await store.range("/w/")).items;
    assert.deepEqual(new Map(now.map((kv) => [kv.key, kv.value])), state);
  });

  test("afterRevision 0 delivers only events after the watch started", async (t) => {
    const store = await openFor(t, open);
    const ac = new AbortController();
    t.after(() => ac.abort());
    await put(store, "/n/a", "old");
    const it = iterate(store, "/n/", 0, ac.signal);
    await put(store, "/n/a", "new");
    const [ev] = await take(it, 1);
    assert.equal(ev.revision, 2);
    assert.equal(ev.kv.value, "new");
  });

  test("events carry kv and prevKv; one txn's events share its revision, in op order", async (t) => {
    const store = await openFor(t, open);
    const ac = new AbortController();
    t.after(() => ac.abort());
    await put(store, "/other", "x"); // 1: watches below start after it
    await put(store, "/e/a", "a1"); // 2
    await store.txn(
      [],
      [
        { type: "put", key: "/e/b", value: "b1" },
        { type: "put", key: "/e/a", value: "a2" },
        { type: "put", key: "/f/x", value: "elsewhere" },
      ],
    ); // 3
    await del(store, "/e/a"); // 4
    const a1 = { key: "/e/a", value: "a1", createRevision: 2, modRevision: 2, version: 1 };
    const a2 = { key: "/e/a", value: "a2", createRevision: 2, modRevision: 3, version: 2 };
    const b1 = { key: "/e/b", value: "b1", createRevision: 3, modRevision: 3, version: 1 };
    const tombstone = { key: "/e/a", value: "", createRevision: 0, modRevision: 4, version: 0 };
    const expected: StoreEvent[] = [
      { type: "put", kv: a1, revision: 2 },
      { type: "put", kv: b1, revision: 3 },
      { type: "put", kv: a2, prevKv: a1, revision: 3 },
      { type: "delete", kv: tombstone, prevKv: a2, revision: 4 },
    ];
    const live = iterate(store, "/e/", 0, ac.signal);
    assert.deepEqual(await take(iterate(store, "/e/", 1, ac.signal), 4), expected);
    await store.txn(
      [],
      [
        { type: "put", key: "/e/a", value: "a3" },
        { type: "delete", key: "/e/b" },
      ],
    ); // 5
    const a3 = { key: "/e/a", value: "a3", createRevision: 5, modRevision: 5, version: 1 };
    const liveExpected: StoreEvent[] = [
      { type: "put", kv: a3, revision: 5 },
      {
        type: "delete",
        kv: { key: "/e/b", value: "", createRevision: 0, modRevision: 5, version: 0 },
        prevKv: b1,
        revision: 5,
      },
    ];
    assert.deepEqual(await take(live, 2), liveExpected);
    assert.deepEqual(await take(iterate(store, "/e/", 4, ac.signal), 2), liveExpected);
  });

  test("a watch sees its prefix only", async (t) => {
    const store = await openFor(t, open);
    const ac = new AbortController();
    t.after(() => ac.abort());
    const it = iterate(store, "/a/b/", 0, ac.signal);
    for (const k of ["/a/bc/x", "/a/b", "/a/b/1", "/a/a/x", "/a/b/2/x", "/a/b0"]) await put(store, k, "v");
    const evs = await take(it, 2);
    assert.deepEqual(
      evs.map((e) => e.kv.key),
      ["/a/b/1", "/a/b/2/x"],
    );
    assert.deepEqual(
      (await take(iterate(store, "/a/b/", 1, ac.signal), 2)).map((e) => e.kv.key),
      ["/a/b/1", "/a/b/2/x"],
    );
  });

  test("fan-out: 100 watchers on one prefix and 500 on distinct prefixes", async (t) => {
    const store = await openFor(t, open);
    const ac = new AbortController();
    t.after(() => ac.abort());
    const shared = Array.from({ length: 100 }, () => iterate(store, "/fan/", 0, ac.signal));
    const own = Array.from({ length: 500 }, (_, i) => iterate(store, `/fan/c${i}/`, 0, ac.signal));
    await putMany(store, (i) => `/fan/c${i % 500}/obj`, 1000);
    const end = await store.currentRevision();
    for (const it of shared) assertRevisions(await take(it, 1000), 1, end, "shared-prefix watcher");
    for (let i = 0; i < own.length; i++) {
      const evs = await take(own[i], 2);
      assert.deepEqual(
        evs.map((e) => [e.kv.key, e.kv.version]),
        [
          [`/fan/c${i}/obj`, 1],
          [`/fan/c${i}/obj`, 2],
        ],
      );
    }
  });

  test("watching below the compacted revision fails with Compacted; at it, nothing is lost", async (t) => {
    const store = await openFor(t, open);
    const ac = new AbortController();
    t.after(() => ac.abort());
    await putMany(store, (i) => `/cw/${i}`, 10, 1);
    await store.compact(6);
    await expectWatchCompacted(store, "/cw/", 5);
    await expectWatchCompacted(store, "/cw/", 1);
    assert.deepEqual(revisionsOf(await take(iterate(store, "/cw/", 6, ac.signal), 4)), [7, 8, 9, 10]);
    // A watcher behind when compaction passes it fails on its next read.
    const behind = iterate(store, "/cw/", 8, ac.signal);
    await store.compact(10);
    await expectStoreError("Compacted", () => nextEvent(behind));
  });

  test("aborting the signal ends the iteration", async (t) => {
    const store = await openFor(t, open);
    await put(store, "/ab/x", "1");
    const ac = new AbortController();
    const it = iterate(store, "/ab/", 0, ac.signal);
    const pending = nextEvent(it);
    ac.abort();
    assert.equal(await pending, "done");
    assert.equal(await nextEvent(it), "done");
    const buffered = new AbortController();
    const it2 = iterate(store, "/ab/", 0, buffered.signal);
    await put(store, "/ab/x", "2");
    buffered.abort();
    assert.equal(await nextEvent(it2), "done");
    const pre = new AbortController();
    pre.abort();
    assert.equal(await nextEvent(iterate(store, "/ab/", 0, pre.signal)), "done");
    assert.equal(await nextEvent(iterate(store, "/ab/", 1, pre.signal)), "done");
  });

  test("close() ends watches", async (t) => {
    const store = await openFor(t, open);
    const ac = new AbortController();
    t.after(() => ac.abort());
    await put(store, "/cl/x", "1");
    const waiting = iterate(store, "/cl/", 0, ac.signal);
    const behind = iterate(store, "/cl/", 0, ac.signal);
    await put(store, "/cl/x", "2");
    const pending = nextEvent(waiting);
    assert.equal(((await pending) as StoreEvent).revision, 2);
    const next = nextEvent(waiting);
    await store.close();
    assert.equal(await next, "done");
    assert.equal(await nextEvent(behind), "done");
    assert.equal(await nextEvent(iterate(store, "/cl/", 0, ac.signal)), "done");
  });

  test("a watcher that stops reading holds bounded memory and later catches up or fails Compacted", async (t) => {
    const store = await openFor(t, open);
    const ac = new AbortController();
    t.after(() => ac.abort());
    const txns = 200;
    const perTxn = 100;
    const writeAll = async (tag: string) => {
      for (let i = 0; i < txns; i += 20) {
        const wave = range(i, i + 19).map((j) =>
          store.txn(
            [],
            range(0, perTxn - 1).map((k) => ({
              type: "put" as const,
              key: `/slow/${j}/${k}`,
              value: `"${tag}"`,
            })),
          ),
        );
        await Promise.all(wave);
      }
    };
    // Never read while 20,000 events are written, then read everything: complete and in order.
    const catchUp = iterate(store, "/slow/", 0, ac.signal);
    await writeAll("a");
    const evs = await take(catchUp, txns * perTxn);
    const want = range(1, txns).flatMap((rev) =>
      range(0, perTxn - 1).map((k) => `${rev}:/slow/${rev - 1}/${k}`),
    );
    const got = evs.map((e) => `${e.revision}:${e.kv.key}`);
    const firstDiff = got.findIndex((g, i) => g !== want[i]);
    assert.equal(firstDiff, -1, `event #${firstDiff}: ${got[firstDiff]}, want ${want[firstDiff]}`);
    // The same, but history is compacted before it reads: it cannot have kept all the events
    // buffered, so after at most a bounded prefix it fails with Compacted and must relist.
    const lagging = iterate(store, "/slow/", 0, ac.signal);
    await writeAll("b");
    await store.compact(await store.currentRevision());
    let delivered = 0;
    const err = await expectStoreError("Compacted", async () => {
      for (;;) {
        const ev = await nextEvent(lagging);
        if (ev === "done") return;
        assert.equal(ev.revision, txns + 1 + Math.floor(delivered / perTxn));
        delivered++;
      }
    });
    assert.ok(delivered < (txns * perTxn) / 2, `buffered ${delivered} events`);
    assert.equal(err.revision, txns * 2);
  });
}
