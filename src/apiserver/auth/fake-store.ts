// Test-only: a tiny in-memory Store for the auth tests, so they do not depend on a storage engine.
// It keeps full history (for watch replay) and can be told to fail watches with Compacted.
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
} from "../../storage/store.ts";

export class FakeStore implements Store {
  readonly engine = "fake";
  private readonly data = new Map<string, KeyValue>();
  private readonly history: StoreEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private revision = 0;
  private compacted = 0;
  /** Counts reads, so tests can tell a cache hit from a store read. */
  reads = 0;
  /** When set, the next wake-up of any watch throws this error (e.g. StoreError Compacted). */
  failNextWatchWith: Error | undefined;

  async get(key: string): Promise<KeyValue | undefined> {
    this.reads++;
    return this.data.get(key);
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    this.reads++;
    const items = [...this.data.values()]
      .filter((kv) => kv.key.startsWith(prefix) && (!opts.startKey || kv.key >= opts.startKey))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    const limited = opts.limit ? items.slice(0, opts.limit) : items;
    return {
      items: limited,
      revision: this.revision,
      more: limited.length < items.length,
      count: items.length,
    };
  }

  async txn(compares: Compare[], ops: Op[]): Promise<TxnResult> {
    for (const c of compares) {
      const current = this.data.get(c.key)?.modRevision ?? 0;
      if (current !== c.modRevision) {
        throw new StoreError("CompareFailed", `compare failed on ${c.key}`, {
          key: c.key,
          revision: current,
        });
      }
    }
    const revision = ++this.revision;
    const results = ops.map((op) => this.apply(op, revision));
    for (const wake of this.waiters) wake();
    return { revision, results };
  }

  private apply(op: Op, revision: number): KeyValue | undefined {
    const prev = this.data.get(op.key);
    if (op.type === "delete") {
      if (!prev) return undefined;
      this.data.delete(op.key);
      const kv = { ...prev, value: "", modRevision: revision };
      this.history.push({ type: "delete", kv, prevKv: prev, revision });
      return prev;
    }
    const kv: KeyValue = {
      key: op.key,
      value: op.value,
      createRevision: prev?.createRevision ?? revision,
      modRevision: revision,
      version: (prev?.version ?? 0) + 1,
    };
    this.data.set(op.key, kv);
    this.history.push({ type: "put", kv, prevKv: prev, revision });
    return kv;
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    const self = this;
    const start = opts.afterRevision || this.revision;
    async function* events(): AsyncGenerator<StoreEvent> {
      if (start < self.compacted) {
        throw new StoreError("Compacted", "required revision has been compacted", {
          revision: self.compacted,
        });
      }
      let next = start;
      while (!opts.signal.aborted) {
        if (self.failNextWatchWith) {
          const err = self.failNextWatchWith;
          self.failNextWatchWith = undefined;
          throw err;
        }
        const batch = self.history.filter((e) => e.revision > next && e.kv.key.startsWith(prefix));
        for (const e of batch) {
          next = e.revision;
          yield e;
        }
        next = Math.max(next, self.revision);
        await self.changed(opts.signal);
      }
    }
    return { events: events() };
  }

  /** Wakes watchers without a write, e.g. after setting failNextWatchWith. */
  poke(): void {
    for (const wake of this.waiters) wake();
  }

  private changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  async currentRevision(): Promise<number> {
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  async compact(revision: number): Promise<void> {
    this.compacted = Math.max(this.compacted, revision);
  }

  async close(): Promise<void> {
    this.poke();
  }

  /** Test convenience: put one key. */
  put(key: string, value: unknown): Promise<TxnResult> {
    return this.txn(
      [],
      [{ type: "put", key, value: typeof value === "string" ? value : JSON.stringify(value) }],
    );
  }

  /** Test convenience: delete one key. */
  del(key: string): Promise<TxnResult> {
    return this.txn([], [{ type: "delete", key }]);
  }
}
