// The storage contract every engine (SQLite, memory, etcd) implements. It is shaped like etcd's
// MVCC key-value API so that engines are interchangeable without changing callers:
// - every successful write bumps one global, strictly increasing revision (an integer >= 1);
// - each key carries createRevision, modRevision (the revision of its last write) and version
//   (writes since creation, starting at 1);
// - writes are compare-and-swap on modRevision and atomic across keys within one txn;
// - watches replay history from any revision not yet compacted, then stream live events, in
//   revision order, without gaps or duplicates;
// - compaction forgets history at or below a revision; reading or watching there throws
//   StoreError("Compacted").
// A write is acknowledged only when it is durable: once a promise resolves, a crash (SIGKILL)
// must not lose it.

export interface KeyValue {
  key: string;
  /** The stored bytes (the API server stores JSON text). */
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
}

export type StoreErrorCode =
  /** txn compare failed; `key` names the first failing compare. */
  | "CompareFailed"
  /** a revision at or below the compacted revision was asked for. */
  | "Compacted"
  /** a revision in the future was asked for. */
  | "FutureRevision"
  | "Closed"
  | "Unavailable";

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly key?: string;
  /** For Compacted: the compacted revision; for CompareFailed: the key's current modRevision (0 if absent). */
  readonly revision?: number;

  constructor(code: StoreErrorCode, message: string, opts: { key?: string; revision?: number } = {}) {
    super(message);
    this.name = "StoreError";
    this.code = code;
    this.key = opts.key;
    this.revision = opts.revision;
  }
}

/** A condition on one key. modRevision 0 means "the key does not exist". */
export interface Compare {
  key: string;
  modRevision: number;
}

export type Op = { type: "put"; key: string; value: string } | { type: "delete"; key: string };

export interface TxnResult {
  /** The revision of this transaction (the new modRevision of every key it wrote). */
  revision: number;
  /** For each op in order: the key-value after a put, or the deleted key-value before a delete (undefined if it was absent). */
  results: (KeyValue | undefined)[];
}

export interface RangeOptions {
  /** Read as of this revision (0 or undefined: the current one). Throws Compacted/FutureRevision. */
  revision?: number;
  /** At most this many keys (0 or undefined: no limit). */
  limit?: number;
  /** Start at this key (inclusive); keys are returned in ascending byte order. */
  startKey?: string;
}

export interface RangeResult {
  items: KeyValue[];
  /** The revision the read was served at. */
  revision: number;
  /** True when keys remain after the last one returned. */
  more: boolean;
  /** The number of keys in the whole prefix at that revision (before limit). */
  count: number;
}

export type StoreEventType = "put" | "delete";

export interface StoreEvent {
  type: StoreEventType;
  /** For put: the new key-value. For delete: key with value "" and modRevision = the delete's revision. */
  kv: KeyValue;
  /** The key-value before this event (undefined for a create). */
  prevKv?: KeyValue;
  revision: number;
}

export interface WatchOptions {
  /** Deliver events with revision > afterRevision. 0: only events after "now". */
  afterRevision?: number;
  signal: AbortSignal;
}

export interface Watcher {
  /**
   * Events in revision order. Ends when the signal aborts or the store closes. If the watcher
   * falls too far behind, iteration throws StoreError("Compacted") so the caller relists.
   */
  events: AsyncIterable<StoreEvent>;
}

export interface Store {
  readonly engine: string;
  get(key: string, revision?: number): Promise<KeyValue | undefined>;
  /** All keys with this prefix. */
  range(prefix: string, opts?: RangeOptions): Promise<RangeResult>;
  /** Atomically: if every compare holds, apply all ops under one new revision; otherwise throw CompareFailed. */
  txn(compares: Compare[], ops: Op[]): Promise<TxnResult>;
  watch(prefix: string, opts: WatchOptions): Watcher;
  /** The latest revision (0 for an empty store). */
  currentRevision(): Promise<number>;
  /** The highest compacted revision (0 when nothing was compacted). */
  compactedRevision(): Promise<number>;
  /** Forget history at or below revision (current values stay readable). */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}
