// The status controller: Work statuses → each ResourceBinding's aggregatedStatus and FullyApplied
// condition → the template's status for workloads (status-aggregate.ts). A burst of acks from many
// clusters marks a binding dirty many times and writes it once (dirty-queue.ts); nothing is
// written when nothing changed. A binding on many clusters is rewritten at most every
// `spacingMsPerCluster` × clusters (up to 1 s): each write carries every cluster's entry, so
// during a wave of acks from a thousand members it is written a few times, not once per burst.
// Only its own fields are touched: the scheduler owns the binding's other conditions, and a
// template's other status fields stay as they are. A write that changes what the stored status
// said records Events on the template and the binding (events.ts): clusters that newly fail
// (SyncFailed with the member's error), FullyApplied becoming True (AggregateStatusSucceed) —
// judged against the stored status, so rewrites and restarts record nothing again.
import type { Logger } from "pino";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { jsonEqual } from "../../apiserver/patch/json-value.ts";
import { bindingRef, bindingSpec } from "../../propagation/binding-spec.ts";
import { applyConditions, type Condition } from "../clusters/conditions.ts";
import { type EventInput, EventRecorder } from "../events/recorder.ts";
import type { PropagationCache, PropagationListener } from "./cache.ts";
import { DirtyQueue } from "./dirty-queue.ts";
import { statusEvents } from "./events.ts";
import { aggregateBinding, aggregatesStatus, templateStatus } from "./status-aggregate.ts";
import { workSpec } from "./work-object.ts";

export interface StatusControllerOptions {
  client: InternalClient;
  cache: PropagationCache;
  log: Logger;
  overrideFailure(binding: string, cluster: string): string | undefined;
  /** Wait after a binding is first marked before writing it (acks arrive in bursts). Default 50 ms. */
  coalesceMs?: number;
  /** Least time between two writes of a binding, per cluster it targets. Default 0.5 ms. */
  spacingMsPerCluster?: number;
  /** Where events go (default: a recorder of its own, stopped with the controller). */
  events?: EventRecorder;
}

/** The longest a binding's status waits for its spacing. */
const MAX_SPACING_MS = 1000;

export class StatusController implements PropagationListener {
  private readonly opts: StatusControllerOptions;
  private readonly cache: PropagationCache;
  private readonly queue: DirtyQueue;
  /** When each binding was last written, and the timer of a write held back by its spacing. */
  private readonly written = new Map<string, { at: number; timer?: NodeJS.Timeout }>();
  private readonly events: EventRecorder;

  constructor(opts: StatusControllerOptions) {
    this.opts = opts;
    this.cache = opts.cache;
    this.events =
      opts.events ??
      new EventRecorder({ client: opts.client, component: "mcp-status-controller", log: opts.log });
    this.queue = new DirtyQueue({
      process: (ref) => this.write(ref),
      log: opts.log,
      concurrency: 4,
      delayMs: opts.coalesceMs ?? 50,
    });
    this.cache.subscribe(this);
    void this.cache.synced.then(() => {
      for (const ref of this.cache.bindings.keys()) this.queue.add(ref);
    });
  }

  /** A binding's override failures changed (from the work builder). */
  failuresChanged(ref: string): void {
    this.mark(ref);
  }

  bindingChanged(old: KubeObject | undefined, current: KubeObject | undefined): void {
    if (current) this.mark(bindingRef(current));
    else if (old) this.mark(bindingRef(old));
  }

  workChanged(cluster: string, old: KubeObject | undefined, current: KubeObject | undefined): void {
    if (
      old &&
      current &&
      jsonEqual(old.status, current.status) &&
      workSpec(old).revision === workSpec(current).revision
    )
      return;
    for (const b of this.cache.bindingsOfCluster(cluster)) this.mark(bindingRef(b));
  }

  templateChanged(key: string): void {
    for (const b of this.cache.bindingsOfTemplate(key)) this.mark(bindingRef(b));
  }

  async idle(): Promise<void> {
    await this.queue.idle();
    await this.events.flush();
  }

  async stop(): Promise<void> {
    for (const w of this.written.values()) clearTimeout(w.timer);
    this.written.clear();
    await this.queue.stop();
    if (!this.opts.events) await this.events.stop();
  }

  /** Holds a write back until the binding's spacing has passed; true when it was held. */
  private heldBack(ref: string, clusters: number): boolean {
    const w = this.written.get(ref);
    const spacing = Math.min(MAX_SPACING_MS, clusters * (this.opts.spacingMsPerCluster ?? 0.5));
    const wait = w ? w.at + spacing - Date.now() : 0;
    if (wait <= 0 || !w) return false;
    w.timer ??= setTimeout(() => {
      w.timer = undefined;
      this.mark(ref);
    }, wait).unref();
    return true;
  }

  private mark(ref: string): void {
    if (this.cache.ready) this.queue.add(ref);
  }

  private async write(ref: string): Promise<void> {
    const binding = this.cache.bindings.get(ref);
    if (!binding) {
      clearTimeout(this.written.get(ref)?.timer);
      this.written.delete(ref);
      return;
    }
    if (this.heldBack(ref, bindingSpec(binding).clusters.length)) return;
    clearTimeout(this.written.get(ref)?.timer);
    this.written.set(ref, { at: Date.now() });
    const agg = aggregateBinding({
      binding,
      work: (c) => this.cache.works.get(c),
      overrideFailure: (c) => this.opts.overrideFailure(ref, c),
    });
    const now = `${new Date().toISOString().slice(0, 19)}Z`;
    let events: EventInput[] = [];
    await this.opts.client.mutate(
      {
        apiVersion: API_VERSION,
        kind: "ResourceBinding",
        namespace: binding.metadata.namespace,
        name: binding.metadata.name!,
      },
      (b) => {
        const status = (b.status ?? {}) as { conditions?: Condition[]; aggregatedStatus?: unknown };
        const { conditions } = applyConditions(status.conditions, [agg.fullyApplied], now);
        const next = { ...status, aggregatedStatus: agg.aggregatedStatus, conditions };
        if (jsonEqual(next, status)) {
          events = [];
          return undefined;
        }
        // Judged against what this attempt replaces (a conflict retries with the newer status).
        events = statusEvents({
          binding: b,
          before: status,
          aggregatedStatus: agg.aggregatedStatus,
          fullyApplied: agg.fullyApplied,
        });
        return { ...b, status: next };
      },
      // From the cached binding, like every status write here: pure changes, no store read.
      { status: true, base: binding, owned: true },
    );
    for (const e of events) this.events.record(e);
    const resource = bindingSpec(binding).resource;
    if (!aggregatesStatus(resource)) return;
    await this.opts.client.mutate(
      resource,
      (t) => {
        const next = templateStatus(t, agg);
        return !next || jsonEqual(next, t.status ?? {}) ? undefined : { ...t, status: next };
      },
      { status: true, base: this.cache.templates.get(resource), owned: true },
    );
  }
}
