// A Store decorator that times every storage operation into the API server's histogram, so
// /metrics shows storage latency by operation whatever the engine.
import type { Histogram } from "prom-client";
import type { Compare, Op, RangeOptions, Store, Watcher, WatchOptions } from "../../storage/store.ts";

export function instrumentStore(store: Store, histogram: Histogram<"operation">): Store {
  const timed = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    const end = histogram.startTimer({ operation });
    try {
      return await fn();
    } finally {
      end();
    }
  };
  return {
    engine: store.engine,
    get: (key: string, revision?: number) => timed("get", () => store.get(key, revision)),
    range: (prefix: string, opts?: RangeOptions) => timed("range", () => store.range(prefix, opts)),
    txn: (compares: Compare[], ops: Op[]) => timed("txn", () => store.txn(compares, ops)),
    watch: (prefix: string, opts: WatchOptions): Watcher => store.watch(prefix, opts),
    currentRevision: () => timed("currentRevision", () => store.currentRevision()),
    compactedRevision: () => store.compactedRevision(),
    compact: (revision: number) => timed("compact", () => store.compact(revision)),
    close: () => store.close(),
  };
}
