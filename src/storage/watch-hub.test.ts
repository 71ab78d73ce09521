// WatchHub details the Store conformance suite cannot see from outside: watchers are released
// however iteration ends, overflow never splits a txn, and nested prefixes all match.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { StoreEvent } from "./store.ts";
import { type HistoryPage, WatchHub } from "./watch-hub.ts";

/** A hub over an in-array log, like the memory engine's but without the store around it. */
function hubWithLog(maxBuffered?: number) {
  const log: StoreEvent[] = [];
  const hub: WatchHub = new WatchHub({
    revision: 0,
    maxBuffered,
    pageSize: 2,
    readHistory: (prefix, after): HistoryPage => ({
      events: log.filter((e) => e.revision > after && e.kv.key.startsWith(prefix)),
      through: hub.revision,
    }),
  });
  const commit = (...keys: string[]) => {
    const revision = hub.revision + 1;
    const events = keys.map(
      (key): StoreEvent => ({
        type: "put",
        kv: { key, value: "", createRevision: revision, modRevision: revision, version: 1 },
        revision,
      }),
    );
    log.push(...events);
    hub.publish(events, revision);
  };
  return { hub, commit };
}

test("watchers are released on break, abort and close", async () => {
  const { hub, commit } = hubWithLog();
  const ac = new AbortController();
  const broken = hub.watch("/a/", { signal: ac.signal });
  hub.watch("/b/", { signal: ac.signal });
  const aborted = new AbortController();
  hub.watch("/a/", { signal: aborted.signal });
  assert.equal(hub.watcherCount, 3);
  commit("/a/1");
  for await (const ev of broken.events) {
    assert.equal(ev.kv.key, "/a/1");
    break;
  }
  assert.equal(hub.watcherCount, 2);
  aborted.abort();
  assert.equal(hub.watcherCount, 1);
  hub.close();
  assert.equal(hub.watcherCount, 0);
  assert.equal(hub.watch("/a/", { signal: ac.signal }) && hub.watcherCount, 0);
});

test("overflow waits for a revision boundary, then catches up from history", async () => {
  const { hub, commit } = hubWithLog(3);
  const it = hub.watch("/", { signal: new AbortController().signal }).events[Symbol.asyncIterator]();
  commit("/1", "/2", "/3", "/4", "/5"); // one txn: buffered whole even though it exceeds 3
  commit("/6"); // starts a new revision on a full buffer: the watcher stops being live
  commit("/7", "/8");
  const got: string[] = [];
  for (let i = 0; i < 8; i++) {
    const r = await it.next();
    got.push(`${r.value?.revision}${r.value?.kv.key}`);
  }
  assert.deepEqual(got, ["1/1", "1/2", "1/3", "1/4", "1/5", "2/6", "3/7", "3/8"]);
  commit("/9"); // live again after catching up
  assert.equal((await it.next()).value?.kv.key, "/9");
  hub.close();
});

test("nested and empty prefixes all match; siblings do not", async () => {
  const { hub, commit } = hubWithLog();
  const ac = new AbortController();
  const keysSeen = (prefix: string) => {
    const it = hub.watch(prefix, { signal: ac.signal }).events[Symbol.asyncIterator]();
    return async (n: number) => {
      const keys: string[] = [];
      for (let i = 0; i < n; i++) keys.push((await it.next()).value?.kv.key ?? "done");
      return keys;
    };
  };
  const all = keysSeen("");
  const a = keysSeen("/a/");
  const ab = keysSeen("/a/b/");
  const exact = keysSeen("/a/b/c");
  commit("/a/b/c", "/a/bc", "/a/x", "/b");
  commit("/c");
  assert.deepEqual(await all(5), ["/a/b/c", "/a/bc", "/a/x", "/b", "/c"]);
  assert.deepEqual(await a(3), ["/a/b/c", "/a/bc", "/a/x"]);
  assert.deepEqual(await ab(1), ["/a/b/c"]);
  assert.deepEqual(await exact(1), ["/a/b/c"]);
  ac.abort();
  assert.deepEqual(await a(1), ["done"]);
  assert.equal(hub.watcherCount, 0);
});
