// The scheduler's table of Clusters: what placement reads of each (cluster-view.ts), and what kind
// of change an update is — placement (labels, spec, acceptance, deletion), readiness (the Ready
// condition, for failover) or capacity (allocatable, for capacity-based division). A heartbeat is
// none of them. The list handed to decisions is built once per change and sorted by name.
import type { KubeObject } from "../../apis/meta/types.ts";
import { type ClusterView, clusterSignatures, clusterView } from "../../propagation/cluster-view.ts";

export interface ClusterChange {
  placement: boolean;
  readiness: boolean;
  capacity: boolean;
}

export class ClusterTable {
  private readonly clusters = new Map<
    string,
    { view: ClusterView; sig: ReturnType<typeof clusterSignatures> }
  >();
  private list?: ClusterView[];

  get size(): number {
    return this.clusters.size;
  }

  names(): string[] {
    return [...this.clusters.keys()];
  }

  /** Takes in a Cluster; undefined when nothing the scheduler reads changed. */
  upsert(obj: KubeObject): ClusterChange | undefined {
    const view = clusterView(obj);
    const sig = clusterSignatures(view);
    const prev = this.clusters.get(view.name)?.sig;
    if (
      prev &&
      prev.placement === sig.placement &&
      prev.readiness === sig.readiness &&
      prev.capacity === sig.capacity
    )
      return undefined;
    this.clusters.set(view.name, { view, sig });
    this.list = undefined;
    return {
      placement: !prev || prev.placement !== sig.placement,
      readiness: !prev || prev.readiness !== sig.readiness,
      capacity: !prev || prev.capacity !== sig.capacity,
    };
  }

  /** True when the cluster was known. */
  remove(name: string): boolean {
    if (!this.clusters.delete(name)) return false;
    this.list = undefined;
    return true;
  }

  /** Every cluster, sorted by name. */
  views(): ClusterView[] {
    this.list ??= [...this.clusters.values()]
      .map((c) => c.view)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return this.list;
  }
}
