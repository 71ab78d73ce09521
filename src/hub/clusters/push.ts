// The push-mode poller: for every Cluster with spec.mode Push, every syncInterval, the hub itself
// decrypts the member credential, collects the member's status with the same collector the agent
// runs, and records it like a heartbeat. A failed poll sets Reachable=False and Ready=Unknown
// (reason ClusterUnreachable, saying why); the next good poll sets both back to True. Each
// transition is an Event (status.ts).
//
// One timer queue holds every cluster's next poll and a concurrency limit bounds how many polls
// run at once, so a slow or dead member never delays the others beyond its own timeout. After a
// hub restart, clusters whose last heartbeat is recent wait for their turn; the rest are polled
// soon, spread over a few seconds.
//
// Each cluster keeps one connection pool across polls (member.ts, MemberLinks — the hub's, shared
// with the push syncer, audits and scans): a poll reuses the connections of the last one instead
// of building a KubeConfig and a pool (and doing a TLS handshake) every syncInterval. A failed poll
// closes the pool's connections, so the next request connects afresh (the member may have moved or
// restarted); a changed endpoint, CA or credential builds a new pool; removing the cluster (unjoin,
// no longer Push) closes it, and so does stopping the poller when the links are its own.
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import {
  type CollectOptions,
  collectClusterStatus,
  type ObservedClusterStatus,
} from "../../agent/status/collect.ts";
import { createLimiter, type Limiter } from "../../agent/status/limit.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ApiError } from "../../apiserver/errors.ts";
import { clusterMode, clusterSpec, lastHeartbeatMs, syncIntervalMs } from "./cluster-object.ts";
import type { CredentialStore } from "./credentials.ts";
import { DeadlineQueue } from "./deadlines.ts";
import { type MemberLink, MemberLinks } from "./member.ts";
import type { ClusterMetrics } from "./metrics.ts";
import { recordHeartbeat, setClusterConditions, unreachableConditions } from "./status.ts";

export interface PushPollerOptions {
  client: InternalClient;
  credentials: CredentialStore;
  log: Logger;
  metrics?: ClusterMetrics;
  /** The hub's links to push members (closed by their owner). Default: links of its own, closed by stop(). */
  links?: MemberLinks;
  /** Polls at once across all clusters. Default 16. */
  concurrency?: number;
  /** Deadline of each request to a member. Default 10 s. */
  timeoutMs?: number;
  /** Spread of first polls after start or join. Default 2 s. */
  initialSpreadMs?: number;
  /** The collector (tests substitute a fake). */
  collect?: (kc: KubeConfig, opts: CollectOptions) => Promise<ObservedClusterStatus>;
  now?: () => number;
}

const COMPONENT = "cluster-push-poller";

interface Target {
  uid: string;
  intervalMs: number;
  endpoint: string;
  caData?: string;
}

export class PushPoller {
  private readonly opts: PushPollerOptions;
  private readonly now: () => number;
  private readonly targets = new Map<string, Target>();
  private readonly polling = new Set<string>();
  private readonly deadlines: DeadlineQueue;
  private readonly limit: Limiter;
  private readonly inflight = new Set<Promise<void>>();
  private readonly ac = new AbortController();
  private readonly links: MemberLinks;
  private readonly ownsLinks: boolean;

  constructor(opts: PushPollerOptions) {
    this.opts = opts;
    this.links = opts.links ?? new MemberLinks();
    this.ownsLinks = opts.links === undefined;
    this.now = opts.now ?? Date.now;
    this.limit = createLimiter(opts.concurrency ?? 16);
    this.deadlines = new DeadlineQueue((name) => this.start(name), this.now);
  }

  upsert(c: KubeObject): void {
    const name = c.metadata.name!;
    const spec = clusterSpec(c);
    if (clusterMode(c) !== "Push" || c.metadata.deletionTimestamp || !spec.apiEndpoint) {
      this.remove(name);
      return;
    }
    const prev = this.targets.get(name);
    const t: Target = {
      uid: c.metadata.uid ?? "",
      intervalMs: syncIntervalMs(c),
      endpoint: spec.apiEndpoint,
      caData: spec.caData,
    };
    this.targets.set(name, t);
    const changed = !prev || prev.uid !== t.uid || prev.endpoint !== t.endpoint || prev.caData !== t.caData;
    if (this.polling.has(name)) return; // rescheduled when the poll in flight ends
    if (changed) this.deadlines.schedule(name, this.firstPoll(c, t));
    else if (prev.intervalMs !== t.intervalMs) this.deadlines.schedule(name, this.now() + t.intervalMs);
  }

  remove(name: string): void {
    this.targets.delete(name);
    this.deadlines.cancel(name);
    // No longer a push member: nobody needs its pool. A poll in flight still holds the link; it
    // finishes on the closing pool, and the next upsert of this name builds a new one.
    this.links.forget(name).catch(() => {});
  }

  async stop(): Promise<void> {
    this.ac.abort();
    this.deadlines.stop();
    await Promise.allSettled([...this.inflight]);
    if (this.ownsLinks) await this.links.close();
  }

  /** Clusters holding a connection pool (tests). */
  get pools(): number {
    return this.links.size;
  }

  /** Recently heard from: at its turn. Otherwise soon, spread so a restart does not poll all at once. */
  private firstPoll(c: KubeObject, t: Target): number {
    const now = this.now();
    const last = lastHeartbeatMs(c);
    if (last !== undefined && last + t.intervalMs > now) return last + t.intervalMs;
    return now + Math.random() * Math.min(this.opts.initialSpreadMs ?? 2000, t.intervalMs);
  }

  private start(name: string): void {
    if (!this.targets.has(name) || this.polling.has(name) || this.ac.signal.aborted) return;
    this.polling.add(name);
    const p = this.limit(() => this.poll(name))
      .catch((err) => this.opts.log.warn({ err: String(err), cluster: name }, "push poll failed"))
      .finally(() => {
        this.polling.delete(name);
        this.inflight.delete(p);
        const t = this.targets.get(name);
        if (t && !this.ac.signal.aborted) this.deadlines.schedule(name, this.now() + t.intervalMs);
      });
    this.inflight.add(p);
  }

  private async poll(name: string): Promise<void> {
    const t = this.targets.get(name);
    if (!t || this.ac.signal.aborted) return;
    const started = performance.now();
    let result: "ok" | "error" = "ok";
    let link: MemberLink | undefined;
    let collected = false;
    try {
      const stored = await this.opts.credentials.get(name);
      if (!stored) throw new Error("no credential is stored for this cluster; join it again");
      if (!this.targets.has(name)) return; // removed while the credential was read: no pool for it
      link = this.links.get({ name, apiEndpoint: t.endpoint, caData: t.caData }, stored.credential);
      const collect = this.opts.collect ?? collectClusterStatus;
      const observed = await collect(link.kc, {
        timeoutMs: this.opts.timeoutMs ?? 10_000,
        signal: this.ac.signal,
        connections: link.connections,
      });
      collected = true;
      await recordHeartbeat(this.opts.client, name, observed, new Date(this.now()), {
        log: this.opts.log,
        component: COMPONENT,
      });
    } catch (err) {
      if (this.ac.signal.aborted) return;
      if (err instanceof ApiError && err.reason === "NotFound") return; // unjoined mid-poll
      result = "error";
      // The member may have moved or restarted: the next poll connects afresh.
      if (!collected) await link?.connections.close();
      const message = err instanceof Error ? err.message : String(err);
      const transitions = await setClusterConditions(
        this.opts.client,
        name,
        unreachableConditions(message),
        new Date(this.now()),
        {
          log: this.opts.log,
          component: COMPONENT,
          when: (fresh) => fresh.metadata.uid === t.uid && clusterMode(fresh) === "Push",
        },
      );
      if (transitions.length > 0)
        this.opts.log.warn({ cluster: name, reason: message }, "push cluster unreachable");
    } finally {
      const seconds = (performance.now() - started) / 1000;
      this.opts.metrics?.pollDuration.observe({ result }, seconds);
      this.opts.metrics?.pollsTotal.inc({ result });
    }
  }
}
