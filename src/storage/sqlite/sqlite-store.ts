// The embedded engine on node:sqlite (the hub's default backend: `mcp-server` with no flags).
// Schema and MVCC layout: see schema.ts. This module owns durability and concurrency:
// - WAL journal, durability "full" by default: a txn's promise resolves, and its events are
//   published, only after the WAL holding it has been fsynced, so an acknowledged (or watched)
//   write survives SIGKILL and power loss. The fsync runs off the event loop (wal-sync.ts); until
//   it completes, reads are served at the last durable revision. "normal" keeps SIGKILL safety
//   but may lose the last commits on power loss, and acknowledges right after COMMIT.
// - Group commit: DatabaseSync is synchronous, so txns are queued and run together on the next
//   turn of the event loop, each under its own revision and compares, inside one BEGIN IMMEDIATE
//   ... COMMIT (one fsync for the whole batch). A txn whose compare fails writes nothing and does
//   not affect the others; if SQLite itself fails, the batch rolls back and every txn in it is
//   rejected with StoreError("Unavailable").
// - Events are published to the WatchHub right after COMMIT, in the same tick, so the hub always
//   agrees with the committed revision (see watch-hub.ts for why that makes replay race-free).
// - One process owns the file. Each batch re-reads the stored revision and refuses to write if
//   another process moved it, rather than silently forking revisions.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import {
  checkOps,
  checkWatchStart,
  closedError,
  compactionNeeded,
  prefixEnd,
  readRevision,
} from "../engine-util.ts";
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
import { historyPage, type KvRow, toKv } from "./rows.ts";
import { countAt, countCurrent, DDL, rangeAt, rangeCurrent, SCHEMA_VERSION, SQL } from "./schema.ts";
import { WalSync } from "./wal-sync.ts";

export interface SqliteStoreOptions {
  /** The database file; its directory is created if missing. */
  path: string;
  /** "full" (default): fsync every commit. "normal": survive crashes, not power loss. */
  durability?: "full" | "normal";
  /** How long to wait for a lock held by another connection. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Events buffered per watcher before it falls back to replaying history. Default 1000. */
  watchBufferSize?: number;
  /** How "full" commits are made durable; tests substitute one they control. Default: fdatasync of the WAL. */
  walSync?: Pick<WalSync, "synced" | "close">;
}

/** Txns committed in one SQLite transaction at most; bounds the latency of a batch. */
const MAX_BATCH = 1000;

interface Pending {
  compares: Compare[];
  ops: Op[];
  resolve: (r: TxnResult) => void;
  reject: (e: unknown) => void;
}

export async function openSqliteStore(opts: SqliteStoreOptions): Promise<SqliteStore> {
  if (opts.path !== ":memory:") mkdirSync(dirname(opts.path), { recursive: true });
  return new SqliteStore(opts);
}

function unavailable(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const e = new StoreError("Unavailable", `sqlite: ${err instanceof Error ? err.message : String(err)}`);
  e.cause = err;
  return e;
}

export class SqliteStore implements Store {
  readonly engine = "sqlite";
  readonly #db: DatabaseSync;
  readonly #stmts = new Map<string, StatementSync>();
  readonly #hub: WatchHub;
  /** The last revision committed to SQLite (the next batch builds on it). */
  #rev: number;
  /** The last durable revision: what reads and watches see. Equals #rev but while a WAL sync runs. */
  #visible: number;
  #compacted: number;
  /** Set for durability "full" on a file: commits wait for it before they count. */
  readonly #wal?: Pick<WalSync, "synced" | "close">;
  /** The last committed batch's settlement (close waits for it). */
  #settled: Promise<void> = Promise.resolve();
  /** A failed WAL sync: the store accepts no more writes. */
  #failed?: StoreError;
  #closed = false;
  #queue: Pending[] = [];
  #scheduled = false;

  constructor(opts: SqliteStoreOptions) {
    const db = new DatabaseSync(opts.path);
    this.#db = db;
    try {
      db.exec(`PRAGMA busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
      const mode = db.prepare("PRAGMA journal_mode = WAL").get();
      if (opts.path !== ":memory:" && mode?.journal_mode !== "wal")
        throw new Error("cannot enable WAL journal");
      // FULL durability is kept by syncing the WAL ourselves, off the event loop (wal-sync.ts).
      db.exec("PRAGMA synchronous = NORMAL");
      if (opts.durability !== "normal" && opts.path !== ":memory:")
        this.#wal = opts.walSync ?? new WalSync(`${opts.path}-wal`);
      db.exec(`BEGIN IMMEDIATE; ${DDL} COMMIT`);
      const schema = this.#meta("schema");
      if (schema !== SCHEMA_VERSION) throw new Error(`unsupported schema version ${schema}`);
      this.#rev = this.#meta("revision");
      this.#visible = this.#rev;
      this.#compacted = this.#meta("compacted");
    } catch (err) {
      db.close();
      throw unavailable(err);
    }
    this.#hub = new WatchHub({
      revision: this.#rev,
      maxBuffered: opts.watchBufferSize,
      readHistory: (prefix, after, limit) => this.#readHistory(prefix, after, limit),
    });
  }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    this.#checkOpen();
    const rev = readRevision(revision, this.#visible, this.#compacted);
    if (rev === this.#rev) {
      const row = this.#stmt(SQL.getCurrent).get(key) as KvRow | undefined;
      return row && toKv(key, row);
    }
    const row = this.#stmt(SQL.getAt).get(key, rev) as (KvRow & { deleted: number; rev: number }) | undefined;
    if (row === undefined || row.deleted) return undefined;
    return toKv(key, { ...row, mod_rev: row.rev });
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    this.#checkOpen();
    const rev = readRevision(opts.revision, this.#visible, this.#compacted);
    const end = prefixEnd(prefix);
    const bounded = end !== undefined;
    const current = rev === this.#rev;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const from = opts.startKey !== undefined && opts.startKey > prefix ? opts.startKey : prefix;
    const params: Record<string, string | number> = { from, limit: limit ? limit + 1 : -1 };
    if (bounded) params.end = end;
    if (!current) params.rev = rev;
    const rows = this.#stmt((current ? rangeCurrent : rangeAt)(bounded)).all(params) as unknown as (KvRow & {
      key: string;
    })[];
    const more = limit > 0 && rows.length > limit;
    if (more) rows.pop();
    let count = rows.length;
    if (more || from !== prefix) {
      params.from = prefix;
      delete params.limit;
      const row = this.#stmt((current ? countCurrent : countAt)(bounded)).get(params) as { n: number };
      count = row.n;
    }
    return { items: rows.map((r) => toKv(r.key, r)), revision: rev, more, count };
  }

  txn(compares: Compare[], ops: Op[]): Promise<TxnResult> {
    if (this.#closed) return Promise.reject(closedError());
    if (this.#failed) return Promise.reject(this.#failed);
    try {
      checkOps(ops);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ compares, ops, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    if (!this.#closed && opts.afterRevision) checkWatchStart(opts.afterRevision, this.#compacted);
    return this.#hub.watch(prefix, opts);
  }

  async currentRevision(): Promise<number> {
    this.#checkOpen();
    return this.#visible;
  }

  async compactedRevision(): Promise<number> {
    this.#checkOpen();
    return this.#compacted;
  }

  async compact(revision: number): Promise<void> {
    this.#checkOpen();
    if (!compactionNeeded(revision, this.#visible, this.#compacted)) return;
    this.#inTransaction(() => {
      this.#stmt(SQL.compact).run({ rev: revision });
      this.#stmt(SQL.setMeta).run(revision, "compacted");
    });
    this.#compacted = revision;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // Txns already accepted are committed, not dropped.
    while (this.#queue.length > 0) this.#flush();
    this.#closed = true;
    await this.#settled;
    this.#hub.close();
    this.#db.close();
    this.#wal?.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw closedError();
  }

  #stmt(sql: string): StatementSync {
    let s = this.#stmts.get(sql);
    if (s === undefined) {
      s = this.#db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  #meta(name: string): number {
    const row = this.#stmt(SQL.getMeta).get(name) as { value: number } | undefined;
    return row?.value ?? 0;
  }

  #inTransaction(fn: () => void): void {
    try {
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        fn();
        this.#db.exec("COMMIT");
      } catch (err) {
        if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
        throw err;
      }
    } catch (err) {
      throw unavailable(err);
    }
  }

  /** Commits up to MAX_BATCH queued txns in one SQLite transaction. */
  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue.splice(0, MAX_BATCH);
    if (this.#queue.length > 0) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
    if (batch.length === 0) return;
    if (this.#closed || this.#failed) {
      for (const p of batch) p.reject(this.#failed ?? closedError());
      return;
    }
    const outcomes: ({ ok: TxnResult } | { err: StoreError })[] = [];
    const events: StoreEvent[] = [];
    let rev = this.#rev;
    try {
      this.#inTransaction(() => {
        const stored = this.#meta("revision");
        if (stored !== this.#rev) {
          throw new StoreError(
            "Unavailable",
            `revision moved to ${stored} by another process (expected ${this.#rev})`,
          );
        }
        for (const p of batch) {
          const out = this.#apply(p, rev + 1, events);
          if (out instanceof StoreError) outcomes.push({ err: out });
          else {
            if (out.revision > rev) rev = out.revision;
            outcomes.push({ ok: out });
          }
        }
        if (rev !== this.#rev) this.#stmt(SQL.setMeta).run(rev, "revision");
      });
    } catch (err) {
      const e = unavailable(err);
      for (const p of batch) p.reject(e);
      return;
    }
    this.#rev = rev;
    const settle = () => {
      if (rev > this.#visible) this.#visible = rev;
      if (events.length > 0) this.#hub.publish(events, rev);
      for (let i = 0; i < batch.length; i++) {
        const out = outcomes[i];
        if ("ok" in out) batch[i].resolve(out.ok);
        else batch[i].reject(out.err);
      }
    };
    if (!this.#wal) {
      settle();
      return;
    }
    // Compare failures wait too: they were judged against commits not yet visible, and a caller
    // retrying at once must be able to read what beat it.
    this.#settled = this.#wal.synced().then(settle, (err) => {
      this.#failed ??= unavailable(err);
      for (const p of batch) p.reject(this.#failed);
    });
  }

  /** Runs one txn inside the open transaction; returns its result or its compare failure. */
  #apply(p: Pending, rev: number, events: StoreEvent[]): TxnResult | StoreError {
    for (const c of p.compares) {
      const row = this.#stmt(SQL.getModRev).get(c.key) as { mod_rev: number } | undefined;
      const current = row?.mod_rev ?? 0;
      if (current !== c.modRevision) {
        return new StoreError("CompareFailed", `compare failed on ${c.key}`, {
          key: c.key,
          revision: current,
        });
      }
    }
    const results: (KeyValue | undefined)[] = [];
    let idx = 0;
    for (const op of p.ops) {
      const row = this.#stmt(SQL.getCurrent).get(op.key) as KvRow | undefined;
      const prev = row && toKv(op.key, row);
      if (op.type === "put") {
        const kv: KeyValue = Object.freeze({
          key: op.key,
          value: op.value,
          createRevision: prev ? prev.createRevision : rev,
          modRevision: rev,
          version: prev ? prev.version + 1 : 1,
        });
        this.#stmt(SQL.upsert).run(kv.key, kv.value, kv.createRevision, rev, kv.version);
        this.#stmt(SQL.log).run(
          rev,
          idx++,
          kv.key,
          0,
          kv.value,
          kv.createRevision,
          kv.version,
          prev?.modRevision ?? 0,
        );
        events.push(
          Object.freeze(
            prev ? { type: "put", kv, prevKv: prev, revision: rev } : { type: "put", kv, revision: rev },
          ),
        );
        results.push(kv);
      } else if (prev) {
        this.#stmt(SQL.remove).run(op.key);
        this.#stmt(SQL.log).run(rev, idx++, op.key, 1, null, 0, 0, prev.modRevision);
        const kv = Object.freeze({ key: op.key, value: "", createRevision: 0, modRevision: rev, version: 0 });
        events.push(Object.freeze({ type: "delete", kv, prevKv: prev, revision: rev }));
        results.push(prev);
      } else {
        results.push(undefined);
      }
    }
    return { revision: idx > 0 ? rev : rev - 1, results };
  }

  #readHistory(prefix: string, after: number, limit: number): HistoryPage {
    checkWatchStart(after, this.#compacted);
    try {
      return historyPage(this.#stmt.bind(this), { prefix, after, limit, head: this.#visible });
    } catch (err) {
      throw unavailable(err);
    }
  }
}
