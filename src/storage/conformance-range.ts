// Range half of the Store conformance suite (registered by runStoreConformance): prefix
// isolation, key order, limit/startKey pagination with count and more, and reads at a past
// revision (MVCC snapshots that include keys deleted since and exclude keys created later).
import assert from "node:assert/strict";
import { test } from "node:test";
import { del, expectStoreError, type OpenStore, openFor, put } from "./conformance-helpers.ts";

const keysOf = (r: { items: { key: string }[] }) => r.items.map((kv) => kv.key);

export function registerRangeConformance(open: OpenStore): void {
  test("range matches the prefix only, in ascending key order", async (t) => {
    const store = await openFor(t, open);
    const keys = ["/a/b/z", "/a/bc/x", "/a/b", "/a/b/a", "/a/b/m/1", "/a/a/x", "/a/b/", "/a/b0"];
    for (const k of keys) await put(store, k, k);
    const r = await store.range("/a/b/");
    assert.deepEqual(keysOf(r), ["/a/b/", "/a/b/a", "/a/b/m/1", "/a/b/z"]);
    assert.equal(r.count, 4);
    assert.equal(r.more, false);
    assert.equal(r.revision, keys.length);
    assert.deepEqual(r.items[1], {
      key: "/a/b/a",
      value: "/a/b/a",
      createRevision: 4,
      modRevision: 4,
      version: 1,
    });
    assert.equal((await store.range("")).count, keys.length);
    assert.deepEqual(keysOf(await store.range("/a/b/m/1")), ["/a/b/m/1"]);
    assert.equal((await store.range("/nothing/")).count, 0);
  });

  test("range paginates with limit and startKey; count covers the whole prefix", async (t) => {
    const store = await openFor(t, open);
    const names = Array.from({ length: 250 }, (_, i) => `/p/x/${String(i).padStart(4, "0")}`);
    const shuffled = [...names].sort((a, b) => hash(a) - hash(b) || (a < b ? -1 : 1));
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
    assert.deepEqual(
      { keys: keysOf(page), more: page.more, count: page.count, revision: page.revision },
      {
        keys: ["/s/a", "/s/b"],
        more: true,
        count: 3,
        revision: 3,
      },
    );
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
