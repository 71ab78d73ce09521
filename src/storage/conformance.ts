// The conformance suite every Store engine must pass (memory, SQLite, etcd). An engine's test
// file calls runStoreConformance with a factory for fresh, empty stores. This module holds the
// key-value tests (revisions, txns, get, compaction); range tests live in conformance-range.ts
// and watch tests in conformance-watch.ts. Behaviours the contract leaves open are pinned down
// here so engines stay interchangeable:
// - a txn that changes nothing (only deletes of absent keys) takes no revision, as in etcd;
// - a txn that writes the same key twice, or an empty key, is rejected (etcd does too);
// - a read at an explicit revision at or below the compacted one is Compacted, and a watch
//   needs history strictly after afterRevision, so afterRevision == compacted is allowed;
// - compact() at or below the compacted revision is a no-op;
// - `count` counts the whole prefix, whatever startKey and limit are;
// - a watcher that stops reading keeps a bounded buffer, then catches up from history, or fails
//   with Compacted if that history is gone (etcd's "unsynced" watchers behave the same way).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  del,
  expectStoreError,
  expectWatchCompacted,
  type OpenStore,
  openFor,
  put,
} from "./conformance-helpers.ts";
import { registerRangeConformance } from "./conformance-range.ts";
import { registerWatchConformance } from "./conformance-watch.ts";

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
    assert.deepEqual(r2.results[0], {
      key: "/k",
      value: "v2",
      createRevision: 1,
      modRevision: 2,
      version: 2,
    });
    assert.equal(await del(store, "/k"), 3);
    assert.equal(await put(store, "/k", "v3"), 4);
    assert.deepEqual(await store.get("/k"), {
      key: "/k",
      value: "v3",
      createRevision: 4,
      modRevision: 4,
      version: 1,
    });
    assert.equal(await store.currentRevision(), 4);
  });

  test("create-if-absent with compare modRevision 0", async (t) => {
    const store = await openFor(t, open);
    const created = await store.txn(
      [{ key: "/c", modRevision: 0 }],
      [{ type: "put", key: "/c", value: "a" }],
    );
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
    const ok = await store.txn(
      [{ key: "/y", modRevision: rev + 1 }],
      [{ type: "put", key: "/y", value: "3" }],
    );
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
    assert.deepEqual(await store.txn([], [{ type: "delete", key: "/none" }]), {
      revision: 1,
      results: [undefined],
    });
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
    assert.deepEqual(r, {
      revision: 2,
      results: [{ key: "/d", value: "v", createRevision: 1, modRevision: 1, version: 1 }],
    });
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
    assert.deepEqual(await store.get("/g", 3), {
      key: "/g",
      value: "2",
      createRevision: 1,
      modRevision: 3,
      version: 2,
    });
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
        store.txn(
          [{ key: "/conc/0", modRevision: revs[0] }],
          [{ type: "put", key: "/conc/0", value: `w${i}` }],
        ),
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
    assert.deepEqual(await store.get("/h/a"), {
      key: "/h/a",
      value: "a2",
      createRevision: 1,
      modRevision: 3,
      version: 2,
    });
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
    assert.deepEqual(await store.get("/h/b"), {
      key: "/h/b",
      value: "b2",
      createRevision: 6,
      modRevision: 6,
      version: 1,
    });
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
