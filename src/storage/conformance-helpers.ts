// Shared plumbing of the storage conformance suite: opening a store per test with cleanup,
// reading watch events with a deadline (a broken engine must fail a test, not hang it), and
// asserting StoreError codes.
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { type Store, StoreError, type StoreErrorCode, type StoreEvent } from "./store.ts";

export type OpenStore = () => Promise<{ store: Store; cleanup?: () => Promise<void> }>;

/** Opens a fresh store for one test; closes and cleans it up when the test ends. */
export async function openFor(t: TestContext, open: OpenStore): Promise<Store> {
  const { store, cleanup } = await open();
  t.after(async () => {
    await store.close();
    await cleanup?.();
  });
  return store;
}

export async function put(store: Store, key: string, value: string): Promise<number> {
  return (await store.txn([], [{ type: "put", key, value }])).revision;
}

export async function del(store: Store, key: string): Promise<number> {
  return (await store.txn([], [{ type: "delete", key }])).revision;
}

/** Asserts that `fn` throws or rejects with a StoreError of this code; returns it. */
export async function expectStoreError(code: StoreErrorCode, fn: () => unknown): Promise<StoreError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof StoreError, `expected StoreError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

const TIMEOUT_MS = 20_000;

/** Runs `fn` against a deadline: a broken engine fails the test instead of hanging it. */
async function withDeadline<T>(what: string, fn: (deadline: Promise<never>) => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), TIMEOUT_MS);
  });
  try {
    return await fn(deadline);
  } finally {
    clearTimeout(timer);
  }
}

/** The next event, or "done". */
export function nextEvent(it: AsyncIterator<StoreEvent>, what = "event"): Promise<StoreEvent | "done"> {
  return withDeadline(what, async (deadline) => {
    const r = await Promise.race([it.next(), deadline]);
    return r.done ? "done" : r.value;
  });
}

/** Exactly `n` events (fails if the iteration ends or stalls first). */
export function take(it: AsyncIterator<StoreEvent>, n: number): Promise<StoreEvent[]> {
  return withDeadline(`${n} events`, async (deadline) => {
    const out: StoreEvent[] = [];
    while (out.length < n) {
      const r = await Promise.race([it.next(), deadline]);
      if (r.done) assert.fail(`iteration ended after ${out.length} of ${n} events`);
      out.push(r.value);
    }
    return out;
  });
}

/**
 * Deep-equality of two event lists that reports the first difference only: node's assert would
 * diff 10,000-element arrays for minutes.
 */
export function assertSameEvents(actual: StoreEvent[], expected: StoreEvent[], what: string): void {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) assert.deepEqual(actual[i], expected[i], `${what}: event #${i} differs`);
  assert.equal(actual.length, expected.length, `${what}: event count`);
}

/** Asserts the events' revisions are exactly from..to, each once (single-op txns). */
export function assertRevisions(evs: StoreEvent[], from: number, to: number, what: string): void {
  for (let i = 0; i < evs.length; i++) {
    if (evs[i].revision !== from + i)
      assert.fail(`${what}: event #${i} has revision ${evs[i].revision}, want ${from + i}`);
  }
  assert.equal(evs.length, to - from + 1, `${what}: event count`);
}

export function iterate(store: Store, prefix: string, afterRevision: number, signal: AbortSignal) {
  return store.watch(prefix, { afterRevision, signal }).events[Symbol.asyncIterator]();
}

/**
 * Watching from a compacted revision fails with Compacted, either from watch() itself or from
 * the first read: engines that learn it asynchronously (etcd) can only do the latter.
 */
export async function expectWatchCompacted(
  store: Store,
  prefix: string,
  afterRevision: number,
): Promise<void> {
  const ac = new AbortController();
  try {
    await expectStoreError("Compacted", async () => {
      const it = iterate(store, prefix, afterRevision, ac.signal);
      await nextEvent(it);
    });
  } finally {
    ac.abort();
  }
}

/** Runs `n` puts in waves of `concurrency` (fast on engines with group commit). */
export async function putMany(store: Store, keys: (i: number) => string, n: number, concurrency = 100) {
  for (let i = 0; i < n; i += concurrency) {
    const wave: Promise<number>[] = [];
    for (let j = i; j < Math.min(n, i + concurrency); j++) wave.push(put(store, keys(j), `{"i":${j}}`));
    await Promise.all(wave);
  }
}
