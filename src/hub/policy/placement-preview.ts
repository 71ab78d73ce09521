// The `cluster` variable of a rule: the labels of the clusters an object would be placed on if
// it were stored now. PlacementPreview is the seam; the implementation runs the scheduler's own
// pure functions (src/propagation/select.ts chooses the policy, placement.ts filters the
// clusters) over the hub's cached propagation policies and clusters. The preview has no binding,
// so it places as for a new object (no current clusters); a placement whose spread constraints
// cannot be met previews the clusters that were eligible.
import type { KubeObject } from "../../apis/meta/types.ts";
import type { LabelSelector } from "../../apiserver/selectors/labels.ts";
import { clusterView } from "../../propagation/cluster-view.ts";
import { type Placement, placeClusters } from "../../propagation/placement.ts";
import { choosePolicy, type PolicyView, type ResourceSelector } from "../../propagation/select.ts";
import type { KindCache } from "./kind-cache.ts";

/** Label maps of the clusters the object would be placed on ([] when no policy selects it). */
export type PlacementPreview = (obj: KubeObject) => Promise<Record<string, string>[]>;

type Objects = Pick<KindCache, "all">;

export interface PreviewSources {
  propagationPolicies: Objects;
  clusterPropagationPolicies: Objects;
  clusters: Objects;
}

interface PropagationSpecShape {
  resourceSelectors?: ResourceSelector[];
  priority?: number;
  placement?: Placement;
  clusterLabelSelector?: LabelSelector;
}

interface CandidatePolicy extends PolicyView {
  spec: PropagationSpecShape;
}

function view(p: KubeObject): CandidatePolicy {
  const spec = (p.spec ?? {}) as PropagationSpecShape;
  return {
    kind: p.kind === "PropagationPolicy" ? "PropagationPolicy" : "ClusterPropagationPolicy",
    ...(p.metadata.namespace ? { namespace: p.metadata.namespace } : {}),
    name: p.metadata.name ?? "",
    priority: spec.priority ?? 0,
    resourceSelectors: spec.resourceSelectors ?? [],
    deleting: !!p.metadata.deletionTimestamp,
    spec,
  };
}

export function placementPreview(src: PreviewSources): PlacementPreview {
  return async (obj) => {
    const policies = [...src.propagationPolicies.all(), ...src.clusterPropagationPolicies.all()].map(view);
    const chosen = choosePolicy(policies, obj);
    if (!chosen) return [];
    const spec = chosen.policy.spec;
    const placed = placeClusters({
      placement: spec.placement,
      ...(spec.clusterLabelSelector ? { clusterLabelSelector: spec.clusterLabelSelector } : {}),
      clusters: src.clusters.all().map(clusterView),
      current: new Set(),
      now: Date.now(),
    });
    return (placed.ok ? placed.selected : placed.eligible).map((c) => ({ ...c.labels }));
  };
}
