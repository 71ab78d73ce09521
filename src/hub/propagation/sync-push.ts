// Push sync: for push-mode Clusters (spec.mode Push, an apiEndpoint and a stored credential) the
// hub applies the Work itself, with the same member-apply code the agent runs, through a
// KubeConfig built like the push poller's (src/hub/clusters/member.ts). On a Work change the delta
// above what the applier acknowledged is applied — the whole Work the first time after a hub start
// or when the Work was recreated (the applier's state lives in memory) — and every syncInterval
// the applier re-reads its objects and reverts drift (sooner, 1 s then doubling, while applied
// objects are not yet Healthy). Results are written onto Work.status exactly
// as pull acks are. One pass per cluster at a time; a bounded number of clusters at once.
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { KubeObject } from "../../apis/meta/types.ts";
import { MemberApplier } from "../../member-apply/applier.ts";
import { FIRST_FOLLOW_UP_MS, settling } from "../../member-apply/health.ts";
import type { ManifestStatus, WorkDelta } from "../../member-apply/types.ts";
import { clusterMode, clusterSpec, syncIntervalMs } from "../clusters/cluster-object.ts";
import type { CredentialStore } from "../clusters/credentials.ts";
import { DeadlineQueue } from "../clusters/deadlines.ts";
import { memberKubeConfig } from "../clusters/member.ts";
import type { PropagationCache, PropagationListener } from "./cache.ts";
import { DirtyQueue } from "./dirty-queue.ts";
import { workDelta } from "./sync-delta.ts";
import { workSpec } from "./work-object.ts";
import type { Ack } from "./work-status.ts";

/** What the syncer needs of src/member-apply's MemberApplier. */
export interface PushApplier {
  readonly ackedRevision: number;
  apply(update: WorkDelta, signal?: AbortSignal): Promise<ManifestStatus[] | undefined>;
  resync(signal?: AbortSignal): Promise<ManifestStatus[]>;
  close(): Promise<void>;
}

export interface PushSyncOptions {
  cache: PropagationCache;
  credentials: CredentialStore;
  log: Logger;
  recordAck(cluster: string, ack: Ack): Promise<void>;
  /** Clusters synced at once. Default 8. */
  concurrency?: number;
  /** Makes the applier for a member (default: a MemberApplier without persistence). */
  newApplier?: (kc: KubeConfig, log: Logger) => PushApplier;
}

interface Target {
  uid: string;
  endpoint: string;
  caData?: string;
  intervalMs: number;
  applier?: PushApplier;
  /** The uid of the Work the applier holds (undefined: nothing applied since it was made). */
  workUid?: string;
  resyncDue: boolean;
  /** The delay of the next early resync while applied objects are settling; 0: none. */
  followUpMs: number;
}

export class PushSync implements PropagationListener {
  private readonly opts: PushSyncOptions;
  private readonly targets = new Map<string, Target>();
  private readonly queue: DirtyQueue;
  private readonly resyncs: DeadlineQueue;
  private readonly ac = new AbortController();

  constructor(opts: PushSyncOptions) {
    this.opts = opts;
    this.queue = new DirtyQueue({
      process: (name) => this.sync(name),
      log: opts.log,
      concurrency: opts.concurrency ?? 8,
    });
    this.resyncs = new DeadlineQueue((name) => {
      const t = this.targets.get(name);
      if (!t) return;
      t.resyncDue = true;
      this.queue.add(name);
    });
    opts.cache.subscribe(this);
  }

  clusterChanged(name: string, _old: KubeObject | undefined, c: KubeObject | undefined): void {
    const spec = c ? clusterSpec(c) : undefined;
    if (!c || clusterMode(c) !== "Push" || c.metadata.deletionTimestamp || !spec?.apiEndpoint) {
      this.remove(name);
      return;
    }
    const prev = this.targets.get(name);
    const intervalMs = syncIntervalMs(c);
    const same =
      prev &&
      prev.uid === c.metadata.uid &&
      prev.endpoint === spec.apiEndpoint &&
      prev.caData === spec.caData;
    if (same) {
      if (prev.intervalMs !== intervalMs) {
        prev.intervalMs = intervalMs;
        this.resyncs.schedule(name, Date.now() + intervalMs);
      }
      return;
    }
    if (prev) this.remove(name);
    this.targets.set(name, {
      uid: c.metadata.uid ?? "",
      endpoint: spec.apiEndpoint,
      caData: spec.caData,
      intervalMs,
      resyncDue: false,
      followUpMs: 0,
    });
    this.resyncs.schedule(name, Date.now() + intervalMs);
    this.queue.add(name);
  }

  workChanged(cluster: string): void {
    if (this.targets.has(cluster)) this.queue.add(cluster);
  }

  /** Resolves when no cluster is being synced or waiting (tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  async stop(): Promise<void> {
    this.ac.abort();
    this.resyncs.stop();
    await this.queue.stop();
    await Promise.all([...this.targets.keys()].map((n) => this.remove(n)));
  }

  private remove(name: string): Promise<void> {
    const t = this.targets.get(name);
    this.targets.delete(name);
    this.resyncs.cancel(name);
    return t?.applier?.close().catch(() => {}) ?? Promise.resolve();
  }

  private async applierFor(name: string, t: Target): Promise<PushApplier> {
    if (t.applier) return t.applier;
    const stored = await this.opts.credentials.get(name);
    if (!stored) throw new Error(`no credential is stored for push cluster "${name}"; join it again`);
    const kc = memberKubeConfig({ name, apiEndpoint: t.endpoint, caData: t.caData }, stored.credential);
    const log = this.opts.log.child({ cluster: name });
    t.applier = this.opts.newApplier?.(kc, log) ?? new MemberApplier({ kubeConfig: kc, log });
    return t.applier;
  }

  private async sync(name: string): Promise<void> {
    const t = this.targets.get(name);
    if (!t || this.ac.signal.aborted) return;
    const applier = await this.applierFor(name, t);
    const signal = this.ac.signal;
    const work = this.opts.cache.works.get(name);
    const spec = work ? workSpec(work) : undefined;
    if (work && spec && !spec.suspendDispatching) {
      const delta =
        t.workUid !== work.metadata.uid
          ? workDelta(spec, "full")
          : spec.revision > applier.ackedRevision
            ? workDelta(spec, applier.ackedRevision)
            : undefined;
      if (delta) {
        const statuses = await applier.apply(delta, signal);
        if (this.targets.get(name) !== t) return;
        t.workUid = work.metadata.uid;
        if (statuses) {
          t.followUpMs = settling(statuses) ? FIRST_FOLLOW_UP_MS : 0;
          await this.opts.recordAck(name, { revision: applier.ackedRevision, statuses });
        }
      }
    }
    if (t.resyncDue && t.workUid) {
      t.resyncDue = false;
      const statuses = await applier.resync(signal);
      if (this.targets.get(name) !== t) return;
      t.followUpMs = t.followUpMs && settling(statuses) ? t.followUpMs * 2 : 0;
      await this.opts.recordAck(name, { revision: applier.ackedRevision, statuses });
    }
    if (t.resyncDue) t.resyncDue = false;
    // Early resyncs while objects settle (as the agent does), bounded by the interval.
    if (t.followUpMs && t.followUpMs < t.intervalMs) this.resyncs.schedule(name, Date.now() + t.followUpMs);
    else if (this.resyncs.due(name) === undefined) this.resyncs.schedule(name, Date.now() + t.intervalMs);
  }
}
