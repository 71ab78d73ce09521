// Event expiry at the hub, as kube-apiserver's --event-ttl does it (there, an etcd lease on every
// Event write): an Event whose last activity is older than the TTL is deleted, so a long-running
// fleet does not pile them up. Last activity is the latest of lastTimestamp, eventTime,
// series.lastObservedTime, deprecatedLastTimestamp (events.k8s.io) and metadata.creationTimestamp —
// a repeat bumping an Event's count keeps it — but never later than when the hub saw the write, so
// an Event stamped in the future by a skewed clock is not kept forever.
//
// Cheap at scale: one informer per Event storage prefix keeps an index of key → expiry
// (expiry-index.ts) and one timer is armed for the earliest expiry; when it fires, what is due is
// deleted in transactions of `batchSize` keys, each delete conditional on the revision indexed (an
// Event rewritten meanwhile is judged again, not deleted). Nothing is listed periodically. After a
// hub restart the first list finds the Events that expired while it was down and deletes them at
// once.
import type { Logger } from "pino";
import type { KubeObject } from "../../apis/meta/types.ts";
import { Informer } from "../../apiserver/controllers/informer.ts";
import { objectKey, type ResourceRef, resourcePrefix } from "../../apiserver/keys.ts";
import type { ResourceRegistry } from "../../apiserver/resources/registry.ts";
import { type Store, StoreError } from "../../storage/store.ts";
import { ExpiryIndex, type IndexedEvent } from "./expiry-index.ts";

/** Timers and time, injectable so tests need not wait an hour. */
export interface ExpiryClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface EventExpiryOptions {
  store: Store;
  /** Which Event kinds are served (core/v1, and events.k8s.io when registered). */
  registry: ResourceRegistry;
  log: Logger;
  /** How long an Event is kept after its last activity. Default 1 hour (kube-apiserver's --event-ttl). */
  ttlMs?: number;
  /** Keys deleted per store transaction. Default 200. */
  batchSize?: number;
  /** Wait before a sweep that failed (a store error) is tried again. Default 5 s. */
  retryMs?: number;
  clock?: ExpiryClock;
}

export const DEFAULT_EVENT_TTL_MS = 3_600_000;
/** setTimeout's largest delay (about 24.8 days); a later expiry re-arms when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const realClock: ExpiryClock = {
  now: Date.now,
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Where the Event kinds the registry serves are stored (the versions of a group share one place). */
function eventResources(registry: ResourceRegistry): ResourceRef[] {
  const refs: ResourceRef[] = [];
  for (const group of ["", "events.k8s.io"]) {
    const rt = registry.byGroupKind(group, "Event");
    if (rt) refs.push({ group: rt.group, resource: rt.plural });
  }
  return refs;
}

/** The latest activity an Event records, in epoch ms (NaN when it records none). */
export function lastActivityMs(e: KubeObject): number {
  const o = e as KubeObject & {
    lastTimestamp?: string;
    eventTime?: string;
    deprecatedLastTimestamp?: string;
    series?: { lastObservedTime?: string };
  };
  const times = [
    o.lastTimestamp,
    o.eventTime,
    o.deprecatedLastTimestamp,
    o.series?.lastObservedTime,
    o.metadata.creationTimestamp,
  ]
    .map((t) => (typeof t === "string" ? Date.parse(t) : Number.NaN))
    .filter((t) => !Number.isNaN(t));
  return times.length > 0 ? Math.max(...times) : Number.NaN;
}

export class EventExpiry {
  /** Resolves once every Event kind's first list is indexed. */
  readonly synced: Promise<void>;
  private readonly opts: EventExpiryOptions;
  private readonly ttlMs: number;
  private readonly batchSize: number;
  private readonly clock: ExpiryClock;
  private readonly index = new ExpiryIndex();
  private readonly informers: Informer[];
  private timer: { handle: unknown; at: number } | undefined;
  private sweeping: Promise<void> | undefined;
  private ready = false;
  private stopped = false;
  /** Events deleted since start (tests, logs). */
  expired = 0;

  constructor(opts: EventExpiryOptions) {
    this.opts = opts;
    this.ttlMs = opts.ttlMs ?? DEFAULT_EVENT_TTL_MS;
    this.batchSize = opts.batchSize ?? 200;
    this.clock = opts.clock ?? realClock;
    this.informers = eventResources(opts.registry).map((ref) => {
      const prefix = resourcePrefix(ref);
      const keyOf = (e: KubeObject) => objectKey(ref, e.metadata.namespace, e.metadata.name!);
      return new Informer(
        opts.store,
        prefix,
        {
          upsert: (e) => this.upsert(keyOf(e), e),
          delete: (e) => this.index.delete(keyOf(e)),
          // After a relist: what was deleted while the watch was broken is forgotten.
          synced: (all) => this.index.retain(prefix, new Set(all.map(keyOf))),
        },
        opts.log,
      );
    });
    this.synced = Promise.all(this.informers.map((i) => i.synced)).then(() => {
      this.ready = true;
      this.arm();
    });
  }

  /** Events indexed (tests). */
  get size(): number {
    return this.index.size;
  }

  /** Resolves once no sweep is running (tests). */
  async idle(): Promise<void> {
    while (this.sweeping) await this.sweeping;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
    await Promise.all(this.informers.map((i) => i.stop()));
    await this.idle();
  }

  private upsert(key: string, e: KubeObject): void {
    const seen = this.clock.now();
    const last = lastActivityMs(e);
    const at = (Number.isNaN(last) ? seen : Math.min(last, seen)) + this.ttlMs;
    this.index.set({ key, rev: Number(e.metadata.resourceVersion), at });
    if (this.ready && (!this.timer || at < this.timer.at)) this.arm();
  }

  /** One timer, for the earliest expiry (none while a sweep runs: it arms the next itself). */
  private arm(): void {
    if (this.stopped || this.sweeping) return;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
    const next = this.index.next();
    if (next === undefined) return;
    const delay = Math.min(Math.max(0, next - this.clock.now()), MAX_TIMER_MS);
    const handle = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.sweep();
    }, delay);
    this.timer = { handle, at: next };
  }

  private sweep(): void {
    if (this.stopped || this.sweeping) return;
    this.sweeping = this.deleteDue()
      .then(
        () => undefined,
        (err) => {
          this.opts.log.warn({ err: String(err) }, "event expiry failed; retrying");
          return this.opts.retryMs ?? 5000;
        },
      )
      .then((retryMs) => {
        this.sweeping = undefined;
        if (retryMs === undefined) this.arm();
        else if (!this.stopped) {
          const handle = this.clock.setTimeout(() => {
            this.timer = undefined;
            this.sweep();
          }, retryMs);
          this.timer = { handle, at: this.clock.now() + retryMs };
        }
      });
  }

  private async deleteDue(): Promise<void> {
    let deleted = 0;
    for (;;) {
      if (this.stopped) break;
      const due = this.index.takeDue(this.clock.now(), this.batchSize);
      if (due.length === 0) break;
      try {
        deleted += await this.deleteBatch(due);
      } catch (e) {
        for (const d of due) this.index.requeue(d);
        throw e;
      }
      // Between batches other work gets the event loop.
      await new Promise((r) => setImmediate(r));
    }
    this.expired += deleted;
    if (deleted > 0) this.opts.log.info({ deleted, ttlMs: this.ttlMs }, "expired events deleted");
  }

  /**
   * Deletes the batch in one transaction, each key only at the revision indexed. A key that moved
   * (rewritten, or already gone) fails the whole transaction: it is left out and the rest retried;
   * its newer version reaches the index through the watch.
   */
  private async deleteBatch(batch: IndexedEvent[]): Promise<number> {
    let left = batch;
    while (left.length > 0) {
      try {
        await this.opts.store.txn(
          left.map((d) => ({ key: d.key, modRevision: d.rev })),
          left.map((d) => ({ type: "delete" as const, key: d.key })),
        );
        for (const d of left) this.index.delete(d.key, d.rev);
        return left.length;
      } catch (e) {
        if (!(e instanceof StoreError && e.code === "CompareFailed")) throw e;
        const moved = left.findIndex((d) => d.key === e.key);
        if (moved < 0) return this.deleteOneByOne(left);
        left = left.filter((_, i) => i !== moved);
      }
    }
    return 0;
  }

  /** When the store does not say which compare failed. */
  private async deleteOneByOne(batch: IndexedEvent[]): Promise<number> {
    let n = 0;
    for (const d of batch) {
      try {
        await this.opts.store.txn([{ key: d.key, modRevision: d.rev }], [{ type: "delete", key: d.key }]);
        this.index.delete(d.key, d.rev);
        n++;
      } catch (e) {
        if (!(e instanceof StoreError && e.code === "CompareFailed")) throw e;
      }
    }
    return n;
  }
}
