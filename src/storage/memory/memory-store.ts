// The in-memory engine: used by tests and by the simulator, which runs a thousand small stores in
// one process, so a store costs a few Maps and arrays and nothing per idle watcher.
//
// Design:
// - The history is the list of events itself. `log` holds every event above the compacted
//   revision in revision order (watch replay = binary search + scan); `byKey` holds each key's
//   events in order (get at a past revision = binary search). Both share the same frozen
//   objects, and a key's current value is its last event when that is a put.
// - `keys` is the sorted list of every key that still has history (including deleted keys whose
//   tombstones are not compacted yet), so a range at any revision is a binary search to the
//   prefix then a scan while keys start with it. Order is JavaScript string order, which equals
//   byte order for everything but astral characters (irrelevant for Kubernetes paths).
// - Compaction drops events at or below the revision, keeping for each key the last put at or
//   below it (so reads above the compacted revision and prevKv of later events still resolve).
// - A txn runs synchronously inside the call, then publishes to the shared WatchHub; a txn that
//   changes nothing (only deletes of absent keys) does not consume a revision, as in etcd.
import { checkOps, checkWatchStart, closedError, compactionNeeded, readRevision } from "../engine-util.ts";
import {
  type Compare,
  type KeyValue,
  type Op,
  type RangeOptions,
  type RangeResult,
  type Store,
  StoreError,
  type StoreEvent,
  type TxnResult,
  type Watcher,
  type WatchOptions,
} from "../store.ts";
import { type HistoryPage, WatchHub } from "../watch-hub.ts";

export interface MemoryStoreOptions {
  /** Events buffered per watcher before it falls back to replaying history. Default 1000. */
  watchBufferSize?: number;
}

export function openMemoryStore(opts: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStore(opts);
}

/** Index of the first element for which `below` is false; `below` must be monotone. */
function lowerBound<T>(arr: readonly T[], from: number, below: (x: T) => boolean): number {
  let lo = from;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (below(arr[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class MemoryStore implements Store {
  readonly engine = "memory";
  #rev = 0;
  #compacted = 0;
  #closed = false;
  #log: StoreEvent[] = [];
  readonly #byKey = new Map<string, StoreEvent[]>();
  #keys: string[] = [];
  readonly #hub: WatchHub;

  constructor(opts: MemoryStoreOptions = {}) {
    this.#hub = new WatchHub({
      revision: 0,
      maxBuffered: opts.watchBufferSize,
      readHistory: (prefix, after, limit) => this.#readHistory(prefix, after, limit),
    });
  }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    this.#checkOpen();
    const rev = readRevision(revision, this.#rev, this.#compacted);
    const events = this.#byKey.get(key);
    return events === undefined ? undefined : valueAt(events, rev);
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    this.#checkOpen();
    const rev = readRevision(opts.revision, this.#rev, this.#compacted);
    const limit = opts.limit || Number.POSITIVE_INFINITY;
    const startKey = opts.startKey ?? "";
    const keys = this.#keys;
    const items: KeyValue[] = [];
    let count = 0;
    let more = false;
    for (let i = lowerBound(keys, 0, (k) => k < prefix); i < keys.length; i++) {
      const key = keys[i];
      if (!key.startsWith(prefix)) break;
      const kv = valueAt(this.#byKey.get(key)!, rev);
      if (kv === undefined) continue;
      count++;
      if (key < startKey) continue;
      if (items.length < limit) items.push(kv);
      else more = true;
    }
    return { items, revision: rev, more, count };
  }

  async txn(compares: Compare[], ops: Op[]): Promise<TxnResult> {
    this.#checkOpen();
    checkOps(ops);
    for (const c of compares) {
      const current = this.#current(c.key)?.modRevision ?? 0;
      if (current !== c.modRevision) {
        throw new StoreError("CompareFailed", `compare failed on ${c.key}`, {
          key: c.key,
          revision: current,
        });
      }
    }
    const rev = this.#rev + 1;
    const events: StoreEvent[] = [];
    const results: (KeyValue | undefined)[] = [];
    for (const op of ops) {
      const prev = this.#current(op.key);
      if (op.type === "delete" && prev === undefined) {
        results.push(undefined);
        continue;
      }
      const ev = op.type === "put" ? putEvent(op.key, op.value, prev, rev) : deleteEvent(prev!, rev);
      results.push(op.type === "put" ? ev.kv : prev);
      events.push(ev);
    }
    if (events.length === 0) return { revision: this.#rev, results };
    for (const ev of events) this.#append(ev);
    this.#rev = rev;
    this.#hub.publish(events, rev);
    return { revision: rev, results };
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    if (!this.#closed && opts.afterRevision) checkWatchStart(opts.afterRevision, this.#compacted);
    return this.#hub.watch(prefix, opts);
  }

  async currentRevision(): Promise<number> {
    this.#checkOpen();
    return this.#rev;
  }

  async compactedRevision(): Promise<number> {
    this.#checkOpen();
    return this.#compacted;
  }

  async compact(revision: number): Promise<void> {
    this.#checkOpen();
    if (!compactionNeeded(revision, this.#rev, this.#compacted)) return;
    const cut = lowerBound(this.#log, 0, (ev) => ev.revision <= revision);
    const touched = new Set<string>();
    for (let i = 0; i < cut; i++) touched.add(this.#log[i].kv.key);
    this.#log = this.#log.slice(cut);
    let emptied = false;
    for (const key of touched) {
      const events = this.#byKey.get(key)!;
      // Keep the newest event at or below `revision` only if it is a put (the value then).
      let keep = lowerBound(events, 0, (ev) => ev.revision <= revision);
      if (keep > 0 && events[keep - 1].type === "put") keep--;
      if (keep === 0) continue;
      if (keep === events.length) {
        this.#byKey.delete(key);
        emptied = true;
      } else {
        this.#byKey.set(key, events.slice(keep));
      }
    }
    if (emptied) this.#keys = this.#keys.filter((k) => this.#byKey.has(k));
    this.#compacted = revision;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#hub.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw closedError();
  }

  #current(key: string): KeyValue | undefined {
    const events = this.#byKey.get(key);
    if (events === undefined) return undefined;
    const last = events[events.length - 1];
    return last.type === "put" ? last.kv : undefined;
  }

  #append(ev: StoreEvent): void {
    this.#log.push(ev);
    const key = ev.kv.key;
    const events = this.#byKey.get(key);
    if (events !== undefined) {
      events.push(ev);
      return;
    }
    this.#byKey.set(key, [ev]);
    const keys = this.#keys;
    // Keys often arrive in ascending order (generated names), which makes this an append.
    if (keys.length === 0 || keys[keys.length - 1] < key) keys.push(key);
    else
      keys.splice(
        lowerBound(keys, 0, (k) => k < key),
        0,
        key,
      );
  }

  #readHistory(prefix: string, after: number, limit: number): HistoryPage {
    checkWatchStart(after, this.#compacted);
    const log = this.#log;
    const events: StoreEvent[] = [];
    for (let i = lowerBound(log, 0, (ev) => ev.revision <= after); i < log.length; i++) {
      const ev = log[i];
      if (events.length >= limit && ev.revision !== events[events.length - 1].revision) {
        return { events, through: ev.revision - 1 };
      }
      if (ev.kv.key.startsWith(prefix)) events.push(ev);
    }
    return { events, through: this.#rev };
  }
}

/** The value as of `rev` from one key's events (ascending), or undefined if absent then. */
function valueAt(events: readonly StoreEvent[], rev: number): KeyValue | undefined {
  const last = events[events.length - 1];
  if (last.revision <= rev) return last.type === "put" ? last.kv : undefined;
  const i = lowerBound(events, 0, (ev) => ev.revision <= rev);
  if (i === 0) return undefined;
  const ev = events[i - 1];
  return ev.type === "put" ? ev.kv : undefined;
}

function putEvent(key: string, value: string, prev: KeyValue | undefined, rev: number): StoreEvent {
  const kv: KeyValue = Object.freeze({
    key,
    value,
    createRevision: prev === undefined ? rev : prev.createRevision,
    modRevision: rev,
    version: prev === undefined ? 1 : prev.version + 1,
  });
  return Object.freeze(
    prev === undefined
      ? { type: "put", kv, revision: rev }
      : { type: "put", kv, prevKv: prev, revision: rev },
  );
}

function deleteEvent(prev: KeyValue, rev: number): StoreEvent {
  const kv: KeyValue = Object.freeze({
    key: prev.key,
    value: "",
    createRevision: 0,
    modRevision: rev,
    version: 0,
  });
  return Object.freeze({ type: "delete", kv, prevKv: prev, revision: rev });
}
