// The conformance suite every Store engine must pass (memory, SQLite, etcd). An engine's test
// file calls runStoreConformance with a factory for fresh, empty stores. This module holds the
// key-value tests (revisions, txns, get, range, MVCC, compaction); the watch tests live in
// conformance-watch.ts. Behaviours the contract leaves open are pinned down here so engines
// stay interchangeable:
// - a txn that changes nothing (only deletes of absent keys) takes no revision, as in etcd;
// - a txn that writes the same key twice, or an empty key, is rejected (etcd does too);
// - a read at an explicit revision at or below the compacted one is Compacted, and a watch
//   needs history strictly after afterRevision, so afterRevision == compacted is allowed;
// - compact() at or below the compacted revision is a no-op;
// - `count` counts the whole prefix, whatever startKey and limit are.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { del, expectStoreError, expectWatchCompacted, type OpenStore, openFor, put } from "./conformance-helpers.ts";
import { registerWatchConformance } from "./conformance-watch.ts";
import type { Store } from "./store.ts";

export type { OpenStore } from "./conformance-helpers.ts";

export function runStoreConformance(name: string, open: OpenStore): void {
  describe(`${name}: Store conformance`, () => {
    registerKvConformance(open);
    registerRangeConformance(open);
    registerWatchConformance(open);
  });
}

const keysOf = (r: { items: { key: string }[] }) => r.items.map((kv) => kv.key);

function registerKvConformance(open: OpenStore): void {
  test("revisions start at 0 and increase by one per txn; key metadata follows etcd", async (t) => {
    const store = await openFor(t, open);
    assert.equal(await store.currentRevision(), 0);
    const r1 = await store.txn([], [{ type: "put", key: "/k", value: "v1" }]);
    assert.deepEqual(r1, {
      revision: 1,
      results: [{ key: "/k", value: "v1", createRevision: 1, modRevision: 1, version: 1 }],
    });
    const r2 = await store.txn([], [{ type: "put", key: "/k", value: "v2" }]);
    assert.deepEqual(r2.results[0], { key: "/k", value: "v2", createRevision: 1, modRevision: 2, version: 2 });
    assert.equal(await del(store, "/k"), 3);
    assert.equal(await put(store, "/k", "v3"), 4);
    assert.deepEqual(await store.get("/k"), { key: "/k", value: "v3", createRevision: 4, modRevision: 4, version: 1 });
    assert.equal(await store.currentRevision(), 4);
  });

  test("create-if-absent with compare modRevision 0", async (t) => {
    const store = await openFor(t, open);
    const created = await store.txn([{ key: "/c", modRevision: 0 }], [{ type: "put", key: "/c", value: "a" }]);
    assert.equal(created.revision, 1);
    const err = await expectStoreError("CompareFailed", () =>
      store.txn([{ key: "/c", modRevision: 0 }], [{ type: "put", key: "/c", value: "b" }]),
    );
    assert.equal(err.key, "/c");
    assert.equal(err.revision, 1);
    assert.equal((await store.get("/c"))?.value, "a");
  });

  test("a failed compare-and-swap names the key and its modRevision and writes nothing", async (t) => {
    const store = await openFor(t, open);
    await put(store, "/x", "1");
    const rev = await put(store, "/y", "1");
    await put(store, "/y", "2");
    const err = await expectStoreError("CompareFailed", () =>
      store.txn(
        [
          { key: "/x", modRevision: 1 },
          { key: "/y", modRevision: rev },
        ],
        [
          { type: "put", key: "/x", value: "changed" },
          { type: "put", key: "/z", value: "new" },
        ],
      ),
    );
    assert.equal(err.key, "/y");
    assert.equal(err.revision, rev + 1);
    assert.equal(await store.currentRevision(), 3);
    assert.equal((await store.get("/x"))?.value, "1");
    assert.equal(await store.get("/z"), undefined);
    const ok = await store.txn([{ key: "/y", modRevision: rev + 1 }], [{ type: "put", key: "/y", value: "3" }]);
    assert.equal(ok.revision, 4);
  });

  test("a multi-op txn applies all ops under one revision, in order", async (t) => {
    const store = await openFor(t, open);
    await put(store, "/m/old", "o");
    const r = await store.txn(
      [{ key: "/m/old", modRevision: 1 }],
      [
        { type: "put", key: "/m/a", value: "a" },
        { type: "delete", key: "/m/old" },
        { type: "put", key: "/m/b", value: "b" },
        { type: "delete", key: "/m/absent" },
      ],
    );
    assert.equal(r.revision, 2);
    assert.deepEqual(
      r.results.map((kv) => kv && [kv.key, kv.modRevision]),
      [["/m/a", 2], ["/m/old", 1], ["/m/b", 2], undefined],
    );
    assert.deepEqual(keysOf(await store.range("/m/")), ["/m/a", "/m/b"]);
  });

  test("a txn that changes nothing takes no revision; duplicate or empty keys are rejected", async (t) => {
    const store = await openFor(t, open);
    await put(store, "/n", "1");
    assert.deepEqual(await store.txn([], [{ type: "delete", key: "/none" }]), { revision: 1, results: [undefined] });
    assert.deepEqual(await store.txn([{ key: "/n", modRevision: 1 }], []), { revision: 1, results: [] });
    const dup = [
      { type: "put", key: "/d", value: "1" },
      { type: "delete", key: "/d" },
    ] as const;
    await assert.rejects(store.txn([], [...dup]), TypeError);
    await assert.rejects(store.txn([], [{ type: "put", key: "", value: "1" }]), TypeError);
    assert.equal(await store.currentRevision(), 1);
  });

  test("delete returns the previous value and removes the key", async (t) => {
    const store = await openFor(t, open);
    await put(store, "/d", "v");
    const r = await store.txn([], [{ type: "delete", key: "/d" }]);
    assert.deepEqual(r, { revision: 2, results: [{ key: "/d", value: "v", createRevision: 1, modRevision: 1, version: 1 }] });
    assert.equal(await store.get("/d"), undefined);
    assert.equal((await store.range("/d")).count, 0);
  });

  test("get at a past revision sees the value as of then", async (t) => {
    const store = await openFor(t, open);
    await put(store, "/g", "1");
    await put(store, "/other", "x");
    await put(store, "/g", "2");
    await del(store, "/g");
    assert.equal((await store.get("/g", 1))?.value, "1");
    assert.equal((await store.get("/g", 2))?.value, "1");
    assert.deepEqual(await store.get("/g", 3), { key: "/g", value: "2", createRevision: 1, modRevision: 3, version: 2 });
    assert.equal(await store.get("/g", 4), undefined);
    assert.equal(await store.get("/other", 1), undefined);
    assert.equal(await store.get("/g"), undefined);
    const err = await expectStoreError("FutureRevision", () => store.get("/g", 5));
    assert.equal(err.revision, 4);
  });

  test("concurrent txns get distinct revisions; of racing CAS updates exactly one wins", async (t) => {
    const store = await openFor(t, open);
    const revs = await Promise.all(Array.from({ length: 200 }, (_, i) => put(store, `/conc/${i}`, "v")));
    assert.deepEqual(
      [...revs].sort((a, b) => a - b),
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    const attempts = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        store.txn([{ key: "/conc/0", modRevision: revs[0] }], [{ type: "put", key: "/conc/0", value: `w${i}` }]),
      ),
    );
    const won = attempts.filter((a) => a.status === "fulfilled");
    assert.equal(won.length, 1);
    const winner = (won[0] as PromiseFulfilledResult<{ revision: number }>).value.revision;
    for (const a of attempts) {
      if (a.status === "rejected") assert.equal(a.reason.revision, winner);
    }
    assert.equal(await store.currentRevision(), 201);
  });

  test("compaction forgets history but keeps current values", async (t) => {
    const store = await openFor(t, open);
    await put(store, "/h/a", "a1"); // 1
    await put(store, "/h/b", "b1"); // 2
    await put(store, "/h/a", "a2"); // 3
    await del(store, "/h/b"); // 4
    await put(store, "/h/c", "c1"); // 5
    await store.compact(3);
    assert.equal(await store.compactedRevision(), 3);
    assert.equal((await expectStoreError("Compacted", () => store.get("/h/a", 3))).revision, 3);
    await expectStoreError("Compacted", () => store.get("/h/a", 1));
    await expectStoreError("Compacted", () => store.range("/h/", { revision: 2 }));
    assert.deepEqual(await store.get("/h/a"), { key: "/h/a", value: "a2", createRevision: 1, modRevision: 3, version: 2 });
    assert.equal((await store.get("/h/a", 4))?.value, "a2");
    assert.equal((await store.get("/h/b", 4)) ?? "absent", "absent");
    assert.deepEqual(keysOf(await store.range("/h/", { revision: 4 })), ["/h/a"]);
    assert.deepEqual(keysOf(await store.range("/h/")), ["/h/a", "/h/c"]);
    await expectWatchCompacted(store, "/h/", 2);
    await store.compact(2); // at or below the compacted revision: nothing to do
    assert.equal(await store.compactedRevision(), 3);
    await expectStoreError("FutureRevision", () => store.compact(6));
    await store.compact(5);
    assert.equal(await put(store, "/h/b", "b2"), 6);
    assert.deepEqual(await store.get("/h/b"), { key: "/h/b", value: "b2", createRevision: 6, modRevision: 6, version: 1 });
    assert.equal((await store.get("/h/c", 6))?.value, "c1");
    assert.equal(await store.currentRevision(), 6);
  });

  test("after close, calls reject with Closed", async (t) => {
    const store = await openFor(t, open);
    await put(store, "/z", "1");
    await store.close();
    await expectStoreError("Closed", () => store.get("/z"));
    await expectStoreError("Closed", () => store.range("/"));
    await expectStoreError("Closed", () => put(store, "/z", "2"));
    await expectStoreError("Closed", () => store.currentRevision());
  });
}

function registerRangeConformance(open: OpenStore): void {
  test("range matches the prefix only, in ascending key order", async (t) => {
    const store = await openFor(t, open);
    const keys = ["/a/b/z", "/a/bc/x", "/a/b", "/a/b/a", "/a/b/m/1", "/a/a/x", "/a/b/", "/a/b0"];
    for (const k of keys) await put(store, k, k);
    const r = await store.range("/a/b/");
    assert.deepEqual(keysOf(r), ["/a/b/", "/a/b/a", "/a/b/m/1", "/a/b/z"]);
    assert.equal(r.count, 4);
    assert.equal(r.more, false);
    assert.equal(r.revision, keys.length);
    assert.deepEqual(r.items[1], { key: "/a/b/a", value: "/a/b/a", createRevision: 4, modRevision: 4, version: 1 });
    assert.equal((await store.range("")).count, keys.length);
    assert.deepEqual(keysOf(await store.range("/a/b/m/1")), ["/a/b/m/1"]);
    assert.equal((await store.range("/nothing/")).count, 0);
  });

  test("range paginates with limit and startKey; count covers the whole prefix", async (t) => {
    const store = await openFor(t, open);
    const names = Array.from({ length: 250 }, (_, i) => `/p/x/${String(i).padStart(4, "0")}`);
    const shuffled = [...names].sort((a, b) => (hash(a) - hash(b)) || (a < b ? -1 : 1));
    await Promise.all(shuffled.map((k) => put(store, k, "{}")));
    await put(store, "/p/xy/1", "{}");
    await put(store, "/p/w", "{}");
    for (const limit of [50, 60]) {
      const seen: string[] = [];
      let startKey: string | undefined;
      for (;;) {
        const page = await store.range("/p/x/", { limit, startKey });
        assert.equal(page.count, 250);
        assert.ok(page.items.length <= limit);
        seen.push(...keysOf(page));
        if (!page.more) break;
        assert.equal(page.items.length, limit);
        startKey = `${page.items[page.items.length - 1].key}\u0000`;
      }
      assert.deepEqual(seen, names);
    }
    const last = await store.range("/p/x/", { limit: 10, startKey: names[245] });
    assert.deepEqual(keysOf(last), names.slice(245));
    assert.equal(last.more, false);
    assert.deepEqual(keysOf(await store.range("/p/x/", { limit: 1, startKey: "/a" })), [names[0]]);
    assert.deepEqual(keysOf(await store.range("/p/x/", { startKey: "/q" })), []);
  });

  test("range at a past revision sees that snapshot (MVCC)", async (t) => {
    const store = await openFor(t, open);
    await put(store, "/s/a", "a1"); // 1
    await put(store, "/s/b", "b1"); // 2
    await put(store, "/s/c", "c1"); // 3
    await del(store, "/s/b"); // 4
    await put(store, "/s/d", "d1"); // 5
    await put(store, "/s/a", "a2"); // 6
    const at = async (revision: number) =>
      (await store.range("/s/", { revision })).items.map((kv) => `${kv.key}=${kv.value}`);
    assert.deepEqual(await at(3), ["/s/a=a1", "/s/b=b1", "/s/c=c1"]);
    assert.deepEqual(await at(4), ["/s/a=a1", "/s/c=c1"]);
    assert.deepEqual(await at(5), ["/s/a=a1", "/s/c=c1", "/s/d=d1"]);
    assert.deepEqual(await at(6), ["/s/a=a2", "/s/c=c1", "/s/d=d1"]);
    const page = await store.range("/s/", { revision: 3, limit: 2 });
    assert.deepEqual({ keys: keysOf(page), more: page.more, count: page.count, revision: page.revision }, {
      keys: ["/s/a", "/s/b"],
      more: true,
      count: 3,
      revision: 3,
    });
    const rest = await store.range("/s/", { revision: 3, limit: 2, startKey: "/s/b\u0000" });
    assert.deepEqual([keysOf(rest), rest.more, rest.count], [["/s/c"], false, 3]);
    assert.equal((await store.range("/s/", { revision: 3 })).items[0].modRevision, 1);
    await expectStoreError("FutureRevision", () => store.range("/s/", { revision: 7 }));
  });
}

/** A cheap deterministic shuffle key, so failures reproduce. */
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export type { Store };
