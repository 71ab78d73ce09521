// The in-process watch fan-out shared by the engines that commit synchronously in this process
// (memory, SQLite). It owns the watchers: their prefix index, their bounded buffers, and the
// handoff between replaying history and receiving live events.
//
// Design:
// - Every watcher has a cursor: the revision up to which all of its matching events have been
//   queued. Events above the cursor come either from `publish` (live) or from the engine's
//   history (catching up); never both, so there is no gap and no duplicate.
// - Engines call `publish` synchronously right after a commit, in the same tick. The hub's
//   `revision` therefore always equals the engine's committed revision whenever JavaScript code
//   can observe it, and a watcher that has read history up to that revision can switch to live
//   delivery in the same synchronous step, with no race.
// - Live watchers are indexed by prefix: Map<prefix, Set<watcher>>, plus the sorted set of
//   distinct prefix lengths. An event for key K is matched by looking up K's prefixes of those
//   lengths only, so publishing costs O(distinct prefix lengths + matching watchers), whether
//   there are 100 watchers on one prefix or thousands on distinct ones.
// - Overflow: a watcher whose consumer does not keep up stops being live once its buffer holds
//   `maxBuffered` events (at a revision boundary, so a multi-key txn is never split). It keeps
//   only its cursor; when the consumer drains the buffer it catches up from history in pages and
//   then goes live again, like etcd's "unsynced" watchers. Memory per watcher is thus bounded by
//   `maxBuffered` events; if the history it needs was compacted meanwhile, iteration throws
//   StoreError("Compacted") and the caller relists.
import { StoreError, type StoreEvent, type Watcher, type WatchOptions } from "./store.ts";

export interface HistoryPage {
  /** Matching events with afterRevision < revision <= through, in order. */
  events: StoreEvent[];
  /** The revision the page is complete up to; never splits a revision. */
  through: number;
}

/**
 * Reads committed history synchronously: events under `prefix` after `afterRevision`, about
 * `limit` of them (more if needed to finish a revision). Throws StoreError("Compacted") when
 * afterRevision is below the compacted revision.
 */
export type HistoryReader = (prefix: string, afterRevision: number, limit: number) => HistoryPage;

export interface WatchHubOptions {
  readHistory: HistoryReader;
  /** The engine's committed revision at start-up. */
  revision: number;
  /** Events buffered per watcher before it falls back to reading history. Default 1000. */
  maxBuffered?: number;
  /** Events read from history per page while catching up. Default 500. */
  pageSize?: number;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

export class WatchHub {
  /** The last published (committed) revision. */
  revision: number;
  readonly #readHistory: HistoryReader;
  readonly #maxBuffered: number;
  readonly #pageSize: number;
  readonly #byPrefix = new Map<string, Set<HubWatcher>>();
  readonly #lengthRefs = new Map<number, number>();
  #lengths: number[] = [];
  readonly #all = new Set<HubWatcher>();
  #closed = false;

  constructor(opts: WatchHubOptions) {
    this.revision = opts.revision;
    this.#readHistory = opts.readHistory;
    this.#maxBuffered = opts.maxBuffered ?? 1000;
    this.#pageSize = opts.pageSize ?? 500;
  }

  /** Watchers currently open (live or catching up). */
  get watcherCount(): number {
    return this.#all.size;
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    const after = opts.afterRevision || this.revision;
    const w = new HubWatcher(this, prefix, after, opts.signal);
    if (this.#closed || opts.signal.aborted) {
      w.end();
      return { events: w };
    }
    this.#all.add(w);
    // Watchers already at the head go live at once so they see every later write; the others
    // read history lazily on their first next(), which costs nothing if they never read.
    if (after >= this.revision) this.addLive(w);
    return { events: w };
  }

  /** Delivers the events of one or more committed revisions, in order; `revision` is the new head. */
  publish(events: readonly StoreEvent[], revision: number): void {
    this.revision = revision;
    if (this.#byPrefix.size === 0) return;
    const lengths = this.#lengths;
    for (const ev of events) {
      const key = ev.kv.key;
      for (const len of lengths) {
        if (len > key.length) break;
        const set = this.#byPrefix.get(len === key.length ? key : key.slice(0, len));
        if (set === undefined) continue;
        for (const w of set) w.push(ev);
      }
    }
  }

  /** Ends every watcher; later watches end immediately. */
  close(): void {
    this.#closed = true;
    for (const w of [...this.#all]) w.end();
  }

  get maxBuffered(): number {
    return this.#maxBuffered;
  }

  readPage(w: HubWatcher): HistoryPage {
    return this.#readHistory(w.prefix, w.cursor, this.#pageSize);
  }

  addLive(w: HubWatcher): void {
    let set = this.#byPrefix.get(w.prefix);
    if (set === undefined) {
      set = new Set();
      this.#byPrefix.set(w.prefix, set);
      const len = w.prefix.length;
      const refs = this.#lengthRefs.get(len) ?? 0;
      this.#lengthRefs.set(len, refs + 1);
      if (refs === 0) this.#lengths = [...this.#lengthRefs.keys()].sort((a, b) => a - b);
    }
    set.add(w);
    w.live = true;
  }

  removeLive(w: HubWatcher): void {
    w.live = false;
    const set = this.#byPrefix.get(w.prefix);
    if (set === undefined || !set.delete(w) || set.size > 0) return;
    this.#byPrefix.delete(w.prefix);
    const len = w.prefix.length;
    const refs = (this.#lengthRefs.get(len) ?? 1) - 1;
    if (refs > 0) {
      this.#lengthRefs.set(len, refs);
    } else {
      this.#lengthRefs.delete(len);
      this.#lengths = this.#lengths.filter((l) => l !== len);
    }
  }

  forget(w: HubWatcher): void {
    if (w.live) this.removeLive(w);
    this.#all.delete(w);
  }
}

/** One watcher: an async iterator over its buffer, refilled live or from history. */
class HubWatcher implements AsyncIterableIterator<StoreEvent> {
  readonly prefix: string;
  /** Every matching event with revision <= cursor has been queued (or skipped as too old). */
  cursor: number;
  live = false;
  readonly #hub: WatchHub;
  /** Events at or below the requested afterRevision are never delivered. */
  readonly #after: number;
  readonly #signal: AbortSignal;
  readonly #onAbort = () => this.end();
  #buf: StoreEvent[] = [];
  #head = 0;
  #ended = false;
  #waiter: { resolve: (r: IteratorResult<StoreEvent>) => void; reject: (e: unknown) => void } | undefined;

  constructor(hub: WatchHub, prefix: string, afterRevision: number, signal: AbortSignal) {
    this.#hub = hub;
    this.prefix = prefix;
    this.cursor = afterRevision;
    this.#after = afterRevision;
    this.#signal = signal;
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Called by the hub for each live matching event. */
  push(ev: StoreEvent): void {
    if (ev.revision <= this.#after) return;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      this.cursor = ev.revision;
      waiter.resolve({ done: false, value: ev });
      return;
    }
    if (ev.revision !== this.cursor && this.#buf.length - this.#head >= this.#hub.maxBuffered) {
      // Full, and this event starts a new revision (so the cursor's revision is complete): stop
      // buffering and fetch the rest from history when the consumer catches up.
      this.#hub.removeLive(this);
      return;
    }
    this.#buf.push(ev);
    this.cursor = ev.revision;
  }

  next(): Promise<IteratorResult<StoreEvent>> {
    if (this.#head < this.#buf.length) return Promise.resolve({ done: false, value: this.#take() });
    if (this.#ended) return Promise.resolve(DONE);
    if (!this.live) {
      try {
        this.#catchUp();
      } catch (err) {
        this.end();
        return Promise.reject(err);
      }
      if (this.#head < this.#buf.length) return Promise.resolve({ done: false, value: this.#take() });
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<StoreEvent>> {
    this.end();
    return Promise.resolve(DONE);
  }

  /** Stops the watcher: pending and later next() calls report done. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#buf = [];
    this.#head = 0;
    this.#signal.removeEventListener("abort", this.#onAbort);
    this.#hub.forget(this);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.resolve(DONE);
  }

  #take(): StoreEvent {
    const ev = this.#buf[this.#head++];
    if (this.#head === this.#buf.length) {
      this.#buf = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#buf.length) {
      this.#buf = this.#buf.slice(this.#head);
      this.#head = 0;
    }
    return ev;
  }

  /** Reads one page of history; goes live when it reaches the head. Runs synchronously. */
  #catchUp(): void {
    const hub = this.#hub;
    while (this.#head === this.#buf.length && !this.live) {
      if (this.cursor < hub.revision) {
        const page = hub.readPage(this);
        if (page.through <= this.cursor) throw new StoreError("Unavailable", "history read made no progress");
        for (const ev of page.events) if (ev.revision > this.cursor) this.#buf.push(ev);
        this.cursor = page.through;
      }
      if (this.cursor >= hub.revision) hub.addLive(this);
    }
  }
}
