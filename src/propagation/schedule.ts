// One scheduling decision for one template under its policy: placement (placement.ts), then
// failover (failover.ts, Divided only: Duplicated copies are already everywhere), then replicas
// (replicas.ts). When the spread constraints cannot be met any more, the clusters the template is
// already on that are still eligible are kept (as Karmada keeps the last result) rather than
// removing it everywhere; the Scheduled condition says why.
import type { LabelSelector } from "../apiserver/selectors/labels.ts";
import type { ResourceAmounts } from "./capacity.ts";
import type { ClusterView } from "./cluster-view.ts";
import { type ClusterObjectStatus, decideFailover, type GracefulEviction } from "./failover.ts";
import { type Placement, placeClusters } from "./placement.ts";
import { assignReplicas, isDivided, type TargetCluster } from "./replicas.ts";

export interface SchedulingPolicy {
  placement?: Placement;
  clusterLabelSelector?: LabelSelector;
  failover?: { application?: { decisionConditions: { tolerationSeconds: number } } };
}

export interface CurrentBinding {
  clusters: readonly TargetCluster[];
  evictions: readonly GracefulEviction[];
  aggregatedStatus: readonly ClusterObjectStatus[];
}

export interface ScheduleInput {
  policy: SchedulingPolicy;
  clusters: readonly ClusterView[];
  /** The template's binding as it is (absent: first decision). */
  current?: CurrentBinding;
  replicas?: number;
  requests?: ResourceAmounts;
  now: number;
}

export interface ScheduledCondition {
  status: "True" | "False";
  reason: string;
  message: string;
}

export interface ScheduleResult {
  clusters: TargetCluster[];
  evictions: GracefulEviction[];
  condition: ScheduledCondition;
  /** When the decision must be taken again even if nothing changes (tolerations running out). */
  recheckAt?: number;
}

const earliest = (...ts: (number | undefined)[]) => {
  const defined = ts.filter((t): t is number => t !== undefined);
  return defined.length === 0 ? undefined : Math.min(...defined);
};

export function schedule(input: ScheduleInput): ScheduleResult {
  const current = input.current ?? { clusters: [], evictions: [], aggregatedStatus: [] };
  const currentNames = current.clusters.map((c) => c.name);
  const placed = placeClusters({
    placement: input.policy.placement,
    clusterLabelSelector: input.policy.clusterLabelSelector,
    clusters: input.clusters,
    current: new Set(currentNames),
    now: input.now,
  });
  let selected: ClusterView[];
  let condition: ScheduledCondition;
  if (placed.ok) {
    selected = placed.selected;
    condition = { status: "True", reason: "Success", message: "" };
  } else {
    selected =
      placed.reason === "SpreadConstraintsNotMet"
        ? placed.eligible.filter((c) => currentNames.includes(c.name))
        : [];
    const kept = selected.length > 0 ? `; kept on the ${selected.length} eligible cluster(s) it was on` : "";
    condition = { status: "False", reason: placed.reason, message: placed.message + kept };
  }
  const scheduling = input.policy.placement?.replicaScheduling;
  const divided = isDivided(scheduling) && input.replicas !== undefined;
  const failover = decideFailover({
    tolerationSeconds: divided
      ? input.policy.failover?.application?.decisionConditions.tolerationSeconds
      : undefined,
    selected,
    clusters: new Map(input.clusters.map((c) => [c.name, c])),
    current: currentNames,
    evictions: current.evictions,
    aggregatedStatus: current.aggregatedStatus,
    now: input.now,
  });
  const clusters = assignReplicas({
    scheduling,
    clusters: failover.active,
    replicas: input.replicas,
    requests: input.requests,
  });
  // No counts of the other clusters here: one joining elsewhere must not rewrite every binding's status.
  if (condition.status === "True") condition.message = `placed on ${clusters.length} cluster(s)`;
  const placedNames = new Set(clusters.map((c) => c.name));
  const evictions = failover.evictions.filter((e) => !placedNames.has(e.cluster));
  if (evictions.length > 0 && condition.status === "True")
    condition.message += `; evicting ${evictions.map((e) => e.cluster).join(", ")} (not Ready for longer than the failover toleration)`;
  const recheckAt = earliest(placed.recheckAt, failover.recheckAt);
  return { clusters, evictions, condition, ...(recheckAt !== undefined ? { recheckAt } : {}) };
}
