// The cluster health controller (pull mode): a cluster whose agent has not sent a heartbeat for
// missedHeartbeats × syncInterval becomes Ready=Unknown (and Reachable=Unknown), with an Event.
// The next heartbeat sets it back to True (status.ts), also with an Event.
//
// Driven by the Cluster informer, it keeps one deadline per cluster in a single timer queue, so
// a heartbeat only moves a deadline and 1,000 clusters cost one timer. Like Kubernetes' node
// lifecycle controller it judges staleness from when *it* first saw the cluster as well as from
// lastHeartbeatTime: a hub that restarts after a long outage gives agents a full window to
// reconnect instead of declaring the whole fleet Unknown at once. Push clusters are the poller's
// business (push.ts): it knows why a poll failed.
import type { Logger } from "pino";
import { createLimiter, type Limiter } from "../../agent/status/limit.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { formatDuration } from "../../cli/duration.ts";
import { clusterMode, lastHeartbeatMs, readyStatus, syncIntervalMs } from "./cluster-object.ts";
import { DeadlineQueue } from "./deadlines.ts";
import { setClusterConditions, statusUnknownConditions } from "./status.ts";

export interface HealthControllerOptions {
  client: InternalClient;
  log: Logger;
  /** Heartbeats a cluster may miss before it is Unknown. Default 3 (hub flag --cluster-missed-heartbeats). */
  missedHeartbeats?: number;
  /** Condition writes at once when many clusters go stale together. Default 16. */
  concurrency?: number;
  now?: () => number;
}

interface Tracked {
  intervalMs: number;
  lastHeartbeat?: number;
  /** When this controller first saw the cluster (its grace period after a hub restart). */
  firstSeen: number;
}

const COMPONENT = "cluster-health-controller";

export class HealthController {
  private readonly opts: HealthControllerOptions;
  private readonly missed: number;
  private readonly now: () => number;
  private readonly tracked = new Map<string, Tracked>();
  private readonly deadlines: DeadlineQueue;
  private readonly limit: Limiter;
  private readonly inflight = new Set<Promise<void>>();
  private stopped = false;

  constructor(opts: HealthControllerOptions) {
    this.opts = opts;
    this.missed = opts.missedHeartbeats ?? 3;
    if (!(Number.isInteger(this.missed) && this.missed >= 1))
      throw new Error(`missedHeartbeats must be a positive integer, got ${this.missed}`);
    this.now = opts.now ?? Date.now;
    this.limit = createLimiter(opts.concurrency ?? 16);
    this.deadlines = new DeadlineQueue((name) => this.expire(name), this.now);
  }

  /** The Cluster was added or changed (informer). */
  upsert(c: KubeObject): void {
    const name = c.metadata.name!;
    if (!judged(c)) {
      this.remove(name);
      return;
    }
    const t: Tracked = {
      intervalMs: syncIntervalMs(c),
      lastHeartbeat: lastHeartbeatMs(c),
      firstSeen: this.tracked.get(name)?.firstSeen ?? this.now(),
    };
    this.tracked.set(name, t);
    // Already Unknown: nothing to do until a heartbeat flips it back (and updates us).
    if (readyStatus(c) === "Unknown") this.deadlines.cancel(name);
    else this.deadlines.schedule(name, this.deadline(t));
  }

  remove(name: string): void {
    this.tracked.delete(name);
    this.deadlines.cancel(name);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.deadlines.stop();
    await Promise.allSettled([...this.inflight]);
  }

  private window(t: Tracked): number {
    return this.missed * t.intervalMs;
  }

  private deadline(t: Tracked): number {
    return Math.max(t.lastHeartbeat ?? 0, t.firstSeen) + this.window(t);
  }

  private expire(name: string): void {
    const t = this.tracked.get(name);
    if (!t || this.stopped) return;
    const p = this.limit(() => this.markUnknown(name, t)).catch((err) => {
      this.opts.log.warn(
        { err: String(err), cluster: name },
        "marking a silent cluster Unknown failed; retrying",
      );
      if (!this.stopped && this.tracked.has(name)) this.deadlines.schedule(name, this.now() + 1000);
    });
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private async markUnknown(name: string, t: Tracked): Promise<void> {
    if (this.stopped) return;
    const window = this.window(t);
    // Kept free of timestamps so that repeated outages aggregate into one Event (the time of the
    // last heartbeat is in status.lastHeartbeatTime).
    const message = `no heartbeat for ${this.missed} intervals of ${formatDuration(t.intervalMs)}`;
    const at = this.now();
    // Judged again on the freshest copy: a heartbeat may have landed since the timer was set.
    const transitions = await setClusterConditions(
      this.opts.client,
      name,
      statusUnknownConditions(message),
      new Date(at),
      {
        log: this.opts.log,
        component: COMPONENT,
        when: (fresh) =>
          judged(fresh) &&
          at - Math.max(lastHeartbeatMs(fresh) ?? 0, t.firstSeen) >= syncIntervalMs(fresh) * this.missed,
      },
    );
    if (transitions.length > 0)
      this.opts.log.info(
        { cluster: name, windowMs: window },
        "cluster stopped sending heartbeats: Ready=Unknown",
      );
  }
}

/**
 * Only accepted pull clusters owe heartbeats: one awaiting approval has its agent connected but
 * told to stay quiet, and silence is not a fault there.
 */
function judged(c: KubeObject): boolean {
  const accepted = (c.spec as { hubAcceptsClient?: boolean } | undefined)?.hubAcceptsClient === true;
  return clusterMode(c) === "Pull" && accepted && !c.metadata.deletionTimestamp;
}
