// MemberApplier: keeps one member cluster on its Work. The agent (pull) and the hub's push syncer
// both drive it: apply() takes each update in revision order (a stale one is ignored, so a member
// never goes back), resync() re-reads every desired object and reverts drift. Calls run one at a
// time, whoever makes them. State (acked revision, desired set, inventory, pending removals) is
// saved after every applied update, before it is acknowledged.
//
// Within an update: manifests in order groups (Namespaces and CRDs, then configuration and RBAC,
// then the rest), up to `concurrency` at once within a group; then removals in reverse order.
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { createLimiter, type Limiter } from "../agent/status/limit.ts";
import type { KubeObject } from "../apis/meta/types.ts";
import { jsonEqual } from "../apiserver/patch/json-value.ts";
import type { MemberConnections } from "../kube/member-connections.ts";
import { type ManifestId, manifestId, manifestKey, manifestRevision } from "../propagation/identity.ts";
import { MemberObjectApi, type RetryPolicy } from "./client.ts";
import { applyManifest, checkManifest, type OpContext, type Outcome, removeObject } from "./operations.ts";
import { inOrderGroups } from "./order.ts";
import { retryDelayMs } from "./retry.ts";
import type { ApplierState, ApplierStatePersistence, ManifestStatus, Tombstone, WorkDelta } from "./types.ts";

export interface MemberApplierOptions {
  kubeConfig: KubeConfig;
  log: Logger;
  /** Where state survives restarts; absent: in memory only. */
  persistence?: ApplierStatePersistence;
  /** Requests to the member at once within an order group. Default 8. */
  concurrency?: number;
  /** Deadline of each request to the member. Default 15 s. */
  timeoutMs?: number;
  /** How long to wait for kinds of CRDs applied in the same update to be served. Default 10 s. */
  crdWaitMs?: number;
  /**
   * How long a re-create (immutableFieldChange: Recreate) waits for the old object to go before
   * leaving it to the next resync. Default 10 s.
   */
  recreateTimeoutMs?: number;
  /** Which failed requests are repeated at once (429, 5xx), after how long. Default retryDelayMs. */
  retry?: RetryPolicy;
  /**
   * The member's connection pool when shared with others (the hub's push members): close() leaves
   * it open. Default: a pool of the applier's own, closed by close().
   */
  connections?: MemberConnections;
  now?: () => Date;
}

interface Entry {
  manifest: KubeObject;
  status?: ManifestStatus;
  baseline?: unknown;
  /** What the member warned about at the last apply of this manifest (shown until the next apply). */
  warnings?: string[];
}

export class MemberApplier {
  private readonly ctx: OpContext;
  private readonly log: Logger;
  private readonly persistence?: ApplierStatePersistence;
  private readonly limit: Limiter;
  private readonly crdWaitMs: number;
  private readonly now: () => Date;
  private acked = 0;
  private entries = new Map<string, Entry>();
  private readonly inventory = new Map<string, ManifestId>();
  private readonly pending = new Map<string, Tombstone>();
  private readonly loaded: Promise<void>;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(opts: MemberApplierOptions) {
    this.log = opts.log;
    this.ctx = {
      api: MemberObjectApi.create(opts.kubeConfig, {
        timeoutMs: opts.timeoutMs ?? 15_000,
        retry: opts.retry ?? retryDelayMs,
        connections: opts.connections,
      }),
      log: opts.log,
      recreateTimeoutMs: opts.recreateTimeoutMs ?? 10_000,
    };
    this.persistence = opts.persistence;
    this.limit = createLimiter(opts.concurrency ?? 8);
    this.crdWaitMs = opts.crdWaitMs ?? 10_000;
    this.now = opts.now ?? (() => new Date());
    this.loaded = this.load();
  }

  /** Resolves once the persisted state is loaded (apply and resync wait for it themselves). */
  ready(): Promise<void> {
    return this.loaded;
  }

  get ackedRevision(): number {
    return this.acked;
  }

  /** The latest known status of every desired manifest. */
  statuses(): ManifestStatus[] {
    return [...this.entries.values()].flatMap((e) => (e.status ? [e.status] : []));
  }

  /** Applies an update; undefined when its revision is stale (at or below the acked one, not full). */
  apply(update: WorkDelta, signal?: AbortSignal): Promise<ManifestStatus[] | undefined> {
    return this.serial(() => this.applyNow(update, signal));
  }

  /** Re-reads every desired object, re-applies what drifted, failed or is gone; fresh statuses. */
  resync(signal?: AbortSignal): Promise<ManifestStatus[]> {
    return this.serial(() => this.resyncNow(signal));
  }

  /** Waits for calls in flight; releases the connections to the member unless they are shared. */
  async close(): Promise<void> {
    await this.tail;
    await this.ctx.api.close();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<void> {
    let s: ApplierState | undefined;
    try {
      s = await this.persistence?.load();
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, "cannot load the applier state; starting empty");
    }
    if (!s) return;
    this.acked = s.ackedRevision;
    for (const m of s.desired) this.entries.set(manifestKey(m), { manifest: m });
    for (const id of s.inventory ?? []) this.inventory.set(manifestKey(id), manifestId(id));
    for (const t of s.pendingDeletions ?? []) this.pending.set(manifestKey(t), t);
  }

  private async save(): Promise<void> {
    await this.persistence?.save({
      ackedRevision: this.acked,
      desired: [...this.entries.values()].map((e) => e.manifest),
      inventory: [...this.inventory.values()],
      pendingDeletions: [...this.pending.values()],
    });
  }

  private async applyNow(update: WorkDelta, signal?: AbortSignal): Promise<ManifestStatus[] | undefined> {
    await this.loaded;
    this.ctx.down = undefined;
    if (!update.full && update.revision <= this.acked) {
      this.log.debug({ revision: update.revision, acked: this.acked }, "stale Work update ignored");
      return undefined;
    }
    const incoming = new Map(update.manifests.map((m) => [manifestKey(m), m]));
    const next = new Map<string, Entry>(update.full ? [] : this.entries);
    const toApply: KubeObject[] = [];
    for (const [key, m] of incoming) {
      const prev = this.entries.get(key);
      this.pending.delete(key);
      // Unchanged and in place (a full update resending the same set), or older than what is
      // applied (a delta never takes an object back): nothing to do.
      const older = !update.full && prev && manifestRevision(m) < manifestRevision(prev.manifest);
      if (older || (prev?.status?.applied && prev.baseline !== undefined && jsonEqual(prev.manifest, m))) {
        next.set(key, prev);
        continue;
      }
      next.set(key, { manifest: m, status: prev?.status });
      toApply.push(m);
    }
    const removals = new Map<string, Tombstone>();
    for (const t of update.deletions) {
      const key = manifestKey(t);
      const current = next.get(key)?.manifest;
      // Brought back by this update, or by a later revision than the removal's.
      if (incoming.has(key) || (current && manifestRevision(current) > t.revision)) continue;
      next.delete(key);
      removals.set(key, t);
    }
    if (update.full)
      for (const [key, id] of this.inventory)
        if (!next.has(key) && !removals.has(key)) removals.set(key, { ...id, revision: update.revision });
    for (const [key, t] of this.pending) if (!next.has(key) && !removals.has(key)) removals.set(key, t);
    // A manifest that failed before may have been waiting for what this update brings (its
    // Namespace, its CRD): it is tried again now, not only at the next resync.
    if (toApply.length)
      for (const [key, e] of next)
        if (!incoming.has(key) && e.status && !e.status.applied && e.status.reason !== "Conflict")
          toApply.push(e.manifest);

    await this.applyAll(toApply, next, signal);
    await this.removeAll([...removals.values()], next, signal);
    // Manifests this run did not touch and knows nothing of (state loaded after a restart).
    await this.checkAll(
      [...next.values()].filter((e) => !e.status),
      signal,
    );
    if (signal?.aborted) {
      // What was created or removed is recorded; the revision is not reached.
      await this.save();
      signal.throwIfAborted();
    }
    this.entries = next;
    this.acked = update.revision;
    await this.save();
    const statuses = this.statuses();
    const failed = statuses.filter((s) => !s.applied).length;
    this.log.info(
      {
        revision: update.revision,
        full: update.full,
        applied: toApply.length,
        removed: removals.size,
        notApplied: failed,
      },
      "applied a Work update",
    );
    return statuses;
  }

  private async resyncNow(signal?: AbortSignal): Promise<ManifestStatus[]> {
    await this.loaded;
    this.ctx.down = undefined;
    const inventoryBefore = this.inventory.size;
    const pendingBefore = this.pending.size;
    await this.removeAll(
      [...this.pending].filter(([key]) => !this.entries.has(key)).map(([, t]) => t),
      this.entries,
      signal,
    );
    await this.checkAll([...this.entries.values()], signal);
    if (this.inventory.size !== inventoryBefore || this.pending.size !== pendingBefore) await this.save();
    return this.statuses();
  }

  private async applyAll(
    manifests: KubeObject[],
    entries: Map<string, Entry>,
    signal?: AbortSignal,
  ): Promise<void> {
    const unknownKinds: KubeObject[] = [];
    let crds = false;
    for (const group of inOrderGroups(manifests)) {
      await Promise.all(
        group.map((m) =>
          this.limit(async () => {
            const out = await this.applyOne(m, entries, signal);
            if (out.unknownKind) unknownKinds.push(m);
            if (out.status.applied && m.kind === "CustomResourceDefinition") crds = true;
          }),
        ),
      );
    }
    if (crds && unknownKinds.length) await this.retryUnknownKinds(unknownKinds, entries, signal);
  }

  /** Kinds defined by CRDs applied in the same update are served a moment after (once Established). */
  private async retryUnknownKinds(left: KubeObject[], entries: Map<string, Entry>, signal?: AbortSignal) {
    const deadline = Date.now() + this.crdWaitMs;
    for (
      let delay = 100;
      left.length && Date.now() < deadline && !signal?.aborted;
      delay = Math.min(delay * 2, 1000)
    ) {
      await new Promise((r) => setTimeout(r, delay));
      const again: KubeObject[] = [];
      await Promise.all(
        left.map((m) =>
          this.limit(async () => {
            const out = await this.applyOne(m, entries, signal);
            if (out.unknownKind) again.push(m);
          }),
        ),
      );
      left = again;
    }
  }

  /** Applies one manifest and records its outcome in `entries`. */
  private async applyOne(m: KubeObject, entries: Map<string, Entry>, signal?: AbortSignal) {
    const key = manifestKey(m);
    const out = await applyManifest(this.ctx, m, { owned: this.inventory.has(key), signal });
    this.record(entries, key, out);
    return out;
  }

  private async checkAll(list: Entry[], signal?: AbortSignal): Promise<void> {
    const byKey = new Map(list.map((e) => [manifestKey(e.manifest), e]));
    for (const group of inOrderGroups(list.map((e) => e.manifest))) {
      await Promise.all(
        group.map((m) =>
          this.limit(async () => {
            const key = manifestKey(m);
            const e = byKey.get(key)!;
            const out = await checkManifest(this.ctx, m, {
              owned: this.inventory.has(key),
              baseline: e.baseline,
              retry: e.status !== undefined && !e.status.applied,
              signal,
            });
            this.recordEntry(e, out);
            if (out.owned) this.inventory.set(key, manifestId(m));
          }),
        ),
      );
    }
  }

  private async removeAll(
    removals: Tombstone[],
    desired: Map<string, Entry>,
    signal?: AbortSignal,
  ): Promise<void> {
    // Deleting a Namespace deletes everything in it: one that desired objects still live in is
    // kept pending until they are gone.
    const used = new Set([...desired.values()].map((e) => e.manifest.metadata.namespace));
    const wanted: Tombstone[] = [];
    for (const t of removals) {
      if (t.apiVersion === "v1" && t.kind === "Namespace" && !t.orphan && used.has(t.name))
        this.pending.set(manifestKey(t), t);
      else wanted.push(t);
    }
    for (const group of inOrderGroups(wanted).reverse()) {
      await Promise.all(
        group.map((t) =>
          this.limit(async () => {
            const key = manifestKey(t);
            if (await removeObject(this.ctx, t, signal)) {
              this.inventory.delete(key);
              this.pending.delete(key);
            } else this.pending.set(key, t);
          }),
        ),
      );
    }
  }

  private record(entries: Map<string, Entry>, key: string, out: Outcome): void {
    const e = entries.get(key);
    if (e) this.recordEntry(e, out);
    if (out.owned) this.inventory.set(key, manifestId(e?.manifest ?? out.status.identifier));
  }

  /** The outcome becomes the entry's status; a drift is stamped, an earlier one's time kept. */
  private recordEntry(e: Entry, out: Outcome): void {
    if (out.unread && e.status) {
      this.log.warn(
        { object: e.status.identifier, err: out.status.message },
        "cannot read an object to resync it",
      );
      return;
    }
    const status: ManifestStatus = { ...out.status };
    if (out.drift?.length) {
      status.drift = out.drift;
      status.lastDriftTime = this.now().toISOString();
      this.log.info({ object: status.identifier, drift: out.drift }, "reverted drift in the member");
    } else if (e.status?.lastDriftTime) status.lastDriftTime = e.status.lastDriftTime;
    // Warnings come with an apply only; a resync that finds nothing to re-apply keeps showing them.
    if (out.warnings) e.warnings = out.warnings;
    if (status.applied && !status.message && e.warnings?.length)
      status.message = `the member warned: ${e.warnings.join("; ")}`;
    e.status = status;
    if (out.baseline !== undefined) e.baseline = out.baseline;
    else if (!out.status.applied) e.baseline = undefined;
  }
}
