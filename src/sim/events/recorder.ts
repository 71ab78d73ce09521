// One simulated cluster's event recorder, doing what client-go's broadcaster + EventCorrelator
// and kube-apiserver's event TTL do between them:
// - an event identical to one already written (same source, object, type, reason, message)
//   bumps that event's count and lastTimestamp (series, for events.k8s.io-style events) instead
//   of writing a new object; many distinct messages of one reason are combined (aggregator.ts);
// - writes are queued and made in the background, one at a time, so a reconcile never waits for
//   one; repeats of an event still waiting to be written are folded into that write;
// - events live `ttlMs` after their last update (--event-ttl, 1 h) and at most `maxEvents` are
//   kept, the least recently updated deleted first, so memory is bounded whatever happens.
// What the recorder remembers per event is small (its name, count and times): a thousand
// clusters each keep hundreds. The whole event is held only while its write is queued.
import type { Logger } from "pino";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ApiError } from "../../apiserver/errors.ts";
import { prepareForCreate } from "../../apiserver/handlers/prepare.ts";
import { EventAggregator, hash53 } from "../../util/event-aggregator.ts";
import { type EventInfo, newEvent, referenceTo, repeated } from "./shapes.ts";

export interface EventRecorderOptions {
  client: InternalClient;
  log?: Pick<Logger, "debug">;
  /** How long an event lives after its last update. Default 1 hour (kube-apiserver's --event-ttl). */
  ttlMs?: number;
  /** Events kept at most; beyond, the least recently updated are deleted. Default 1000. */
  maxEvents?: number;
  /** The clock (tests). */
  now?: () => number;
}

interface Stored {
  namespace: string;
  name: string;
  count: number;
  firstMs: number;
  lastMs: number;
  message: string;
  /** events.k8s.io-style: repeats go into series, not count. */
  series: boolean;
  /** A write of this event is queued and not yet started: repeats need no write of their own. */
  queued?: "create" | "update";
  /** The event as it is to be written, while a write is queued. */
  pending?: () => KubeObject;
  /** Expired or evicted: queued writes of it are skipped. */
  forgotten?: boolean;
}

type Op = { kind: "write"; stored: Stored } | { kind: "delete"; namespace: string; name: string };

/** What a controller needs to report events. */
export interface EventSink {
  record(regarding: KubeObject, info: EventInfo): void;
}

export class EventRecorder implements EventSink {
  readonly ttlMs: number;
  readonly maxEvents: number;
  private readonly client: InternalClient;
  private readonly log?: Pick<Logger, "debug">;
  private readonly now: () => number;
  // Fewer objects than client-go's 4096 per component: it is per cluster, and pruned.
  private readonly aggregator = new EventAggregator({ cacheSize: 512 });
  /** Event key → what was written, in order of last update (Map insertion order). */
  private readonly stored = new Map<number, Stored>();
  private readonly queue: Op[] = [];
  private draining?: Promise<void>;
  private lastNanos = 0n;
  private stopped = false;

  constructor(opts: EventRecorderOptions) {
    this.client = opts.client;
    this.log = opts.log;
    this.ttlMs = opts.ttlMs ?? 3_600_000;
    this.maxEvents = opts.maxEvents ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  /** Events currently kept (written or queued). */
  get size(): number {
    return this.stored.size;
  }

  record(regarding: KubeObject, info: EventInfo): void {
    if (this.stopped) return;
    const nowMs = this.now();
    const ref = referenceTo(regarding, info.fieldPath);
    const type = info.type ?? "Normal";
    const similar = [
      info.component,
      info.host ?? "",
      ref.kind,
      ref.namespace ?? "",
      ref.name,
      ref.uid ?? "",
      ref.apiVersion,
      type,
      info.reason,
      info.reportingInstance ?? "",
    ].join("\u0000");
    const similarKey = hash53(similar);
    const { message, combined } = this.aggregator.aggregate(similarKey, info.message, nowMs);
    const key = combined ? similarKey : hash53(`${similar}\u0000${ref.fieldPath ?? ""}\u0000${message}`, 1);
    const known = this.stored.get(key);
    const s: Stored = known ?? {
      namespace: ref.namespace || "default",
      name: this.nameFor(ref.name, nowMs),
      count: 0,
      firstMs: nowMs,
      lastMs: nowMs,
      message,
      series: info.action !== undefined,
    };
    s.count++;
    s.message = message;
    this.touch(key, s, nowMs);
    // Built when written: a burst of repeats costs one object, and only while it is queued.
    const { name, count, firstMs } = s;
    s.pending = () => {
      const event = newEvent(name, ref, { ...info, message }, firstMs);
      return count > 1 ? repeated(event, count, message, nowMs) : event;
    };
    if (s.queued) return;
    s.queued = known ? "update" : "create";
    this.enqueue({ kind: "write", stored: s });
    while (this.stored.size > this.maxEvents) this.forget(this.stored.keys().next().value!);
  }

  /** Deletes the events not updated for ttlMs; run it periodically. */
  expire(): void {
    const nowMs = this.now();
    this.aggregator.prune(nowMs);
    const cutoff = nowMs - this.ttlMs;
    for (const [key, s] of this.stored) {
      // The Map is in update order: the first live one ends the scan.
      if (s.lastMs > cutoff) break;
      this.forget(key);
    }
  }

  /** Resolves once every queued write has been made (or has failed). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Stops recording; queued writes are dropped. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  /** `<object>.<UnixNano in hex>`, as client-go names events; strictly increasing per recorder. */
  private nameFor(object: string, nowMs: number): string {
    let nanos = BigInt(nowMs) * 1_000_000n;
    if (nanos <= this.lastNanos) nanos = this.lastNanos + 1n;
    this.lastNanos = nanos;
    return `${object}.${nanos.toString(16)}`;
  }

  private touch(key: number, s: Stored, nowMs: number): void {
    s.lastMs = nowMs;
    this.stored.delete(key);
    this.stored.set(key, s);
  }

  private forget(key: number): void {
    const s = this.stored.get(key);
    if (!s) return;
    this.stored.delete(key);
    s.forgotten = true;
    s.pending = undefined;
    // An event whose create has not started yet was never written: nothing to delete.
    if (s.queued !== "create") this.enqueue({ kind: "delete", namespace: s.namespace, name: s.name });
  }

  private enqueue(op: Op): void {
    if (this.stopped) return;
    this.queue.push(op);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    for (let op = this.queue.shift(); op; op = this.queue.shift()) {
      try {
        await this.write(op);
      } catch (err) {
        // Events are best effort, as in client-go: a lost event is not worth a retry storm.
        this.log?.debug({ err: String(err) }, "event not recorded");
      }
    }
  }

  private async write(op: Op): Promise<void> {
    if (op.kind === "delete") {
      await this.client.delete(eventRef(op));
      return;
    }
    const s = op.stored;
    const kind = s.queued;
    const event = s.pending?.();
    s.queued = undefined;
    s.pending = undefined;
    if (s.forgotten || !event) return;
    if (kind === "create") {
      await this.create(event);
      return;
    }
    const updated = await this.client.mutate(eventRef(s), (cur) => ({
      ...cur,
      message: event.message,
      ...(event.series
        ? { series: event.series }
        : { count: event.count, lastTimestamp: event.lastTimestamp }),
    }));
    // Deleted behind our back: write it again, count and all (client-go does the same).
    if (!updated) await this.create(event);
  }

  /**
   * Stores a new event as a create request would (uid, creationTimestamp), skipping the deep copy
   * and validation the client gives untrusted input: the event is ours and built correctly, and
   * hundreds are written as a cluster starts, times a thousand clusters.
   */
  private async create(event: KubeObject): Promise<void> {
    const rt = this.client.type("v1", "Event");
    try {
      await this.client.objects.create(rt, prepareForCreate(rt, event, event.metadata.namespace ?? ""));
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
    }
  }
}

const eventRef = (e: { namespace: string; name: string }) => ({
  apiVersion: "v1",
  kind: "Event",
  namespace: e.namespace,
  name: e.name,
});
