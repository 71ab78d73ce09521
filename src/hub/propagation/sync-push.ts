// Push sync: for push-mode Clusters (spec.mode Push, an apiEndpoint and a stored credential) the
// hub applies the Work itself, with the same member-apply code the agent runs, over the member's
// link (src/hub/clusters/member.ts: the hub's one KubeConfig and connection pool per member, shared
// with the poller, audits and scans). Each pass asks for the link: a changed credential gives a new
// one, and a new applier over it (which sends the whole Work, as after a hub start). A pass that
// throws records SyncFailed on the bindings delivering to the cluster (sync-push-failure.ts), once
// per distinct failure in a row, and is retried with backoff. On a Work change the delta
// above what the applier acknowledged is applied — the whole Work the first time after a hub start
// or when the Work was recreated (the applier's state lives in memory) — and every syncInterval
// the applier re-reads its objects and reverts drift (sooner, 1 s then doubling, while applied
// objects are not yet Healthy). Results are written onto Work.status exactly
// as pull acks are. One pass per cluster at a time; a bounded number of clusters at once.
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import type { MemberConnections } from "../../kube/member-connections.ts";
import { MemberApplier } from "../../member-apply/applier.ts";
import { FIRST_FOLLOW_UP_MS, settling } from "../../member-apply/health.ts";
import type { ManifestStatus, WorkDelta } from "../../member-apply/types.ts";
import { clusterMode, clusterSpec, syncIntervalMs } from "../clusters/cluster-object.ts";
import type { CredentialStore } from "../clusters/credentials.ts";
import { DeadlineQueue } from "../clusters/deadlines.ts";
import { type MemberLink, MemberLinks } from "../clusters/member.ts";
import { EventRecorder } from "../events/recorder.ts";
import type { PropagationCache, PropagationListener } from "./cache.ts";
import { DirtyQueue } from "./dirty-queue.ts";
import { workDelta } from "./sync-delta.ts";
import { pushSyncFailureEvents } from "./sync-push-failure.ts";
import { workSpec, workStatus } from "./work-object.ts";
import type { Ack } from "./work-status.ts";

/** What the syncer needs of src/member-apply's MemberApplier. */
export interface PushApplier {
  readonly ackedRevision: number;
  /** Every desired manifest's last status. */
  statuses(): ManifestStatus[];
  apply(update: WorkDelta, signal?: AbortSignal): Promise<ManifestStatus[] | undefined>;
  resync(signal?: AbortSignal): Promise<ManifestStatus[]>;
  close(): Promise<void>;
}

export interface PushSyncOptions {
  /** Where SyncFailed events are written. */
  client: InternalClient;
  cache: PropagationCache;
  credentials: CredentialStore;
  log: Logger;
  recordAck(cluster: string, ack: Ack): Promise<void>;
  /** The hub's links to push members (closed by their owner). Default: links of its own, closed by stop(). */
  links?: MemberLinks;
  /** Clusters synced at once. Default 8. */
  concurrency?: number;
  /**
   * Makes the applier for a member over its shared pool (default: a MemberApplier without
   * persistence); its close() must leave `connections` open.
   */
  newApplier?: (kc: KubeConfig, log: Logger, connections: MemberConnections) => PushApplier;
}

interface Target {
  uid: string;
  endpoint: string;
  caData?: string;
  intervalMs: number;
  applier?: PushApplier;
  /** The link the applier was made over: another from MemberLinks means a new credential. */
  link?: MemberLink;
  /** The error of the last pass, when it failed (its SyncFailed events are recorded). */
  failure?: string;
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
  private readonly links: MemberLinks;
  private readonly events: EventRecorder;

  constructor(opts: PushSyncOptions) {
    this.opts = opts;
    this.links = opts.links ?? new MemberLinks();
    this.events = new EventRecorder({ client: opts.client, component: "mcp-push-sync", log: opts.log });
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
  async idle(): Promise<void> {
    await this.queue.idle();
    await this.events.flush();
  }

  async stop(): Promise<void> {
    this.ac.abort();
    this.resyncs.stop();
    await this.queue.stop();
    await Promise.all([...this.targets.keys()].map((n) => this.remove(n)));
    await this.events.stop();
    if (!this.opts.links) await this.links.close();
  }

  private remove(name: string): Promise<void> {
    const t = this.targets.get(name);
    this.targets.delete(name);
    this.resyncs.cancel(name);
    // The pool is the links' owner's to close (the hub's cluster controllers, on unjoin).
    const closing = t?.applier?.close().catch(() => {}) ?? Promise.resolve();
    return this.opts.links ? closing : closing.then(() => this.links.forget(name));
  }

  /** The applier over the member's current link; a new one when the link changed (a new credential). */
  private async applierFor(name: string, t: Target): Promise<PushApplier> {
    const link = await this.links.forCluster(
      { name, apiEndpoint: t.endpoint, caData: t.caData },
      this.opts.credentials,
    );
    if (t.applier && t.link === link) return t.applier;
    if (t.applier) {
      // It knows what it applied, the new one does not: the Work goes whole (objects already
      // there are MCP's by their label and are taken over, as after a hub start).
      await t.applier.close().catch(() => {});
      t.applier = undefined;
      t.workUid = undefined;
      this.opts.log.info({ cluster: name }, "push member's credential or endpoint changed: new applier");
    }
    const log = this.opts.log.child({ cluster: name });
    t.link = link;
    t.applier =
      this.opts.newApplier?.(link.kc, log, link.connections) ??
      new MemberApplier({ kubeConfig: link.kc, connections: link.connections, log });
    return t.applier;
  }

  private async sync(name: string): Promise<void> {
    const t = this.targets.get(name);
    if (!t || this.ac.signal.aborted) return;
    try {
      await this.syncTarget(name, t);
    } catch (err) {
      if (!this.ac.signal.aborted && this.targets.get(name) === t) await this.failed(name, t, err);
      throw err; // the queue retries it with backoff
    }
    // Recovered: the Work's Applied condition stops showing the failure (an ack the pass already
    // recorded makes this one write nothing).
    if (t.failure !== undefined && t.applier) {
      t.failure = undefined;
      await this.recordAckLogged(name, { revision: t.applier.ackedRevision, statuses: t.applier.statuses() });
    }
  }

  /**
   * A failed pass: SyncFailed on every binding delivering to the cluster (once per distinct
   * failure in a row), and the error on its Work (Applied=False, reason AgentError, as an agent's error
   * ack does), keeping the revision and manifest statuses last recorded.
   */
  private async failed(name: string, t: Target, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    if (t.failure !== message) {
      t.failure = message;
      for (const e of pushSyncFailureEvents(this.opts.cache.bindingsOfCluster(name), name, message))
        this.events.record(e);
    }
    // Every time (the Work may be new since the failure began): an unchanged status writes nothing.
    const work = this.opts.cache.works.get(name);
    if (!work) return;
    const last = workStatus(work);
    await this.recordAckLogged(name, {
      revision: last.appliedRevision ?? 0,
      statuses: last.manifestStatuses ?? [],
      error: `push sync failed: ${message}`,
    });
  }

  private async recordAckLogged(name: string, ack: Ack): Promise<void> {
    try {
      await this.opts.recordAck(name, ack);
    } catch (e) {
      this.opts.log.warn(
        { cluster: name, err: (e as Error).message },
        "cannot record the sync result on the Work",
      );
    }
  }

  private async syncTarget(name: string, t: Target): Promise<void> {
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
