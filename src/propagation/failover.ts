// Application failover (opt-in: failover.application.decisionConditions.tolerationSeconds): a
// cluster whose Ready condition has not been True for longer than the toleration loses its
// Divided share to the other clusters. If it held a share, it is recorded as a graceful eviction:
// the Work builder keeps its copy there (so nothing is deleted from a cluster that cannot be
// reached), and the entry is released — the copy then removed unless the cluster is placed again —
// only once the cluster is Ready again and every cluster of the replacement placement reports the
// object available. A cluster that leaves the fleet releases its entry at once. When every
// selected cluster has failed there is nowhere to move to, and nothing is evicted.
import type { ClusterView } from "./cluster-view.ts";

export interface GracefulEviction {
  cluster: string;
  reason: string;
  since: string;
}

/** What the status aggregator reports per cluster (ResourceBinding status.aggregatedStatus). */
export interface ClusterObjectStatus {
  cluster: string;
  applied?: boolean;
  health?: string;
}

export const EVICTION_REASON = "ClusterNotReady";

export interface FailoverInput {
  /** undefined: failover is off (existing evictions are still released by the same rules). */
  tolerationSeconds: number | undefined;
  /** The clusters the placement selected. */
  selected: readonly ClusterView[];
  /** Every cluster the hub knows, by name. */
  clusters: ReadonlyMap<string, ClusterView>;
  /** The clusters the binding places the object on now (the replacement placement). */
  current: readonly string[];
  evictions: readonly GracefulEviction[];
  aggregatedStatus: readonly ClusterObjectStatus[];
  now: number;
}

export interface FailoverResult {
  /** The selected clusters that keep (or get) a share. */
  active: ClusterView[];
  /** Evictions to record, sorted by cluster (the caller drops clusters that are placed again). */
  evictions: GracefulEviction[];
  /** When a not-Ready cluster's toleration runs out. */
  recheckAt?: number;
}

/** When a cluster that is not Ready counts as failed (undefined: Ready, or failover off). */
export function failsAt(c: ClusterView, tolerationSeconds: number | undefined): number | undefined {
  if (tolerationSeconds === undefined || !c.ready || c.ready.status === "True" || c.ready.since === undefined)
    return undefined;
  return c.ready.since + tolerationSeconds * 1000;
}

function available(status: readonly ClusterObjectStatus[], cluster: string): boolean {
  const s = status.find((x) => x.cluster === cluster);
  return s?.applied === true && s.health === "Healthy";
}

export function decideFailover(input: FailoverInput): FailoverResult {
  const existing = new Map(input.evictions.map((e) => [e.cluster, e]));
  const replacementReady = input.current.every((name) => available(input.aggregatedStatus, name));
  const released = (name: string) => {
    const c = input.clusters.get(name);
    return !c || (c.ready?.status === "True" && replacementReady);
  };
  const keepOut = new Set<string>();
  let recheckAt: number | undefined;
  for (const c of input.selected) {
    const at = failsAt(c, input.tolerationSeconds);
    if (at !== undefined && at <= input.now) keepOut.add(c.name);
    else if (existing.has(c.name) && !released(c.name)) keepOut.add(c.name);
    else if (at !== undefined) recheckAt = Math.min(recheckAt ?? at, at);
  }
  let active = input.selected.filter((c) => !keepOut.has(c.name));
  if (active.length === 0) {
    active = [...input.selected];
    keepOut.clear();
  }
  const activeNames = new Set(active.map((c) => c.name));
  const holding = new Set(input.current);
  const since = new Date(input.now).toISOString();
  const evictions: GracefulEviction[] = [];
  for (const name of keepOut)
    if (holding.has(name) || existing.has(name))
      evictions.push(existing.get(name) ?? { cluster: name, reason: EVICTION_REASON, since });
  for (const e of input.evictions)
    if (!keepOut.has(e.cluster) && !activeNames.has(e.cluster) && !released(e.cluster)) evictions.push(e);
  evictions.sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0));
  return { active, evictions, ...(recheckAt !== undefined ? { recheckAt } : {}) };
}
