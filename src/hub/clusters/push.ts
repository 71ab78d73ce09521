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
import { memberKubeConfig } from "./member.ts";
import type { ClusterMetrics } from "./metrics.ts";
import { recordHeartbeat, setClusterConditions, unreachableConditions } from "./status.ts";

export interface PushPollerOptions {
  client: InternalClient;
  credentials: CredentialStore;
  log: Logger;
  metrics?: ClusterMetrics;
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

  constructor(opts: PushPollerOptions) {
    this.opts = opts;
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
  }

  async stop(): Promise<void> {
    this.ac.abort();
    this.deadlines.stop();
    await Promise.allSettled([...this.inflight]);
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
    try {
      const stored = await this.opts.credentials.get(name);
      if (!stored) throw new Error("no credential is stored for this cluster; join it again");
      const kc = memberKubeConfig({ name, apiEndpoint: t.endpoint, caData: t.caData }, stored.credential);
      const collect = this.opts.collect ?? collectClusterStatus;
      const observed = await collect(kc, {
        timeoutMs: this.opts.timeoutMs ?? 10_000,
        signal: this.ac.signal,
      });
      await recordHeartbeat(this.opts.client, name, observed, new Date(this.now()), {
        log: this.opts.log,
        component: COMPONENT,
      });
    } catch (err) {
      if (this.ac.signal.aborted) return;
      if (err instanceof ApiError && err.reason === "NotFound") return; // unjoined mid-poll
      result = "error";
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
