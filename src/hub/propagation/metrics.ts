// Propagation metrics in the hub's one Registry:
//   mcp_propagation_latency_seconds  from the work builder observing a change (template, binding,
//                                    override, cluster) to the member acknowledging the Work
//                                    revision that carries it
//   mcp_work_backlog                 clusters whose acknowledged revision is behind their Work
//   mcp_work_writes_total            Work writes by the builder (a burst coalesces into few)
// The latency tracker keeps, per cluster, a bounded list of (revision, first observed at): an ack
// of revision R observes every entry at or below R once.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

const MAX_PENDING_PER_CLUSTER = 64;

export class PropagationMetrics {
  readonly latency: Histogram;
  readonly backlog: Gauge;
  readonly workWrites: Counter;
  private readonly pending = new Map<string, { revision: number; since: number }[]>();
  private readonly behind = new Set<string>();

  constructor(registry: Registry) {
    const existing = registry.getSingleMetric("mcp_propagation_latency_seconds") as Histogram | undefined;
    this.latency =
      existing ??
      new Histogram({
        name: "mcp_propagation_latency_seconds",
        help: "Time from the hub observing a change to a member acknowledging the Work revision carrying it",
        buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
        registers: [registry],
      });
    this.backlog =
      (registry.getSingleMetric("mcp_work_backlog") as Gauge | undefined) ??
      new Gauge({
        name: "mcp_work_backlog",
        help: "Clusters whose acknowledged Work revision is behind the Work's revision",
        registers: [registry],
      });
    this.workWrites =
      (registry.getSingleMetric("mcp_work_writes_total") as Counter | undefined) ??
      new Counter({
        name: "mcp_work_writes_total",
        help: "Work writes by the work builder",
        registers: [registry],
      });
  }

  /** The builder wrote `revision` for `cluster`, carrying changes first observed at `since` (ms). */
  written(cluster: string, revision: number, since: number): void {
    const list = this.pending.get(cluster) ?? [];
    this.pending.set(cluster, list);
    list.push({ revision, since });
    if (list.length > MAX_PENDING_PER_CLUSTER) list.shift();
  }

  /** The member acknowledged `revision`. */
  acked(cluster: string, revision: number, now = Date.now()): void {
    const list = this.pending.get(cluster);
    if (!list) return;
    while (list.length && list[0].revision <= revision) {
      this.latency.observe(Math.max(0, now - list[0].since) / 1000);
      list.shift();
    }
    if (!list.length) this.pending.delete(cluster);
  }

  /** A Work's revisions as they stand (undefined: the Work or cluster is gone). */
  work(cluster: string, revision?: number, applied?: number): void {
    if (revision !== undefined && (applied ?? 0) < revision) this.behind.add(cluster);
    else this.behind.delete(cluster);
    if (revision === undefined) this.pending.delete(cluster);
    this.backlog.set(this.behind.size);
  }
}
