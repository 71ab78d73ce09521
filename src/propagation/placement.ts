// Which clusters a placement may use: accepted by the hub, not being deleted, matching the
// cluster affinity (and the policy's clusterLabelSelector), with every NoSchedule/NoExecute taint
// tolerated — then the spread constraints. A cluster whose Ready condition is Unknown or False
// stays eligible, so a brief outage does not move workloads (failover.ts decides when it should).
// Clusters are judged in name order and the result is sorted by name: the same inputs always give
// the same placement.
import type { LabelSelector } from "../apiserver/selectors/labels.ts";
import { AffinityError, type ClusterAffinity, compileAffinity, compileLabelSelector } from "./affinity.ts";
import type { ClusterView } from "./cluster-view.ts";
import { applySpread, type SpreadConstraint } from "./spread.ts";
import { formatTaint, judgeTaints, type Toleration } from "./tolerations.ts";

export interface ReplicaScheduling {
  replicaSchedulingType?: "Duplicated" | "Divided";
  replicaDivisionPreference?: "Aggregated" | "Weighted";
  weightPreference?: {
    staticWeightList?: { targetCluster: ClusterAffinity; weight: number }[];
    dynamicWeight?: "AvailableReplicas";
  };
}

export interface Placement {
  clusterAffinity?: ClusterAffinity;
  clusterTolerations?: Toleration[];
  spreadConstraints?: SpreadConstraint[];
  replicaScheduling?: ReplicaScheduling;
}

export interface PlacementInput {
  placement: Placement | undefined;
  /** PropagationSpec.clusterLabelSelector: a further label selector on clusters. */
  clusterLabelSelector?: LabelSelector;
  clusters: readonly ClusterView[];
  /** The clusters the placement is on now (its binding's spec.clusters). */
  current: ReadonlySet<string>;
  now: number;
}

export type PlacementResult =
  | {
      ok: true;
      selected: ClusterView[];
      /** When a NoExecute toleration runs out and the placement must be judged again. */
      recheckAt?: number;
    }
  | {
      ok: false;
      reason: "NoClusterFit" | "SpreadConstraintsNotMet" | "InvalidPlacement";
      message: string;
      /** Spread failures: the eligible clusters (the caller may keep the ones already placed). */
      eligible: ClusterView[];
      recheckAt?: number;
    };

const byName = (a: ClusterView, b: ClusterView) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function rejectionSummary(total: number, eligible: number, rejected: Map<string, number>): string {
  const parts = [...rejected]
    .sort(([a, n], [b, m]) => m - n || (a < b ? -1 : 1))
    .map(([why, n]) => `${n} ${why}`);
  return `${eligible}/${total} clusters are available${parts.length ? `: ${parts.join(", ")}` : ""}`;
}

export function placeClusters(input: PlacementInput): PlacementResult {
  const p = input.placement ?? {};
  let matches: (c: ClusterView) => boolean;
  try {
    const affinity = compileAffinity(p.clusterAffinity);
    const extra = input.clusterLabelSelector
      ? compileLabelSelector(input.clusterLabelSelector, "clusterLabelSelector")
      : () => true;
    matches = (c) => affinity(c) && extra(c);
  } catch (e) {
    if (!(e instanceof AffinityError)) throw e;
    return { ok: false, reason: "InvalidPlacement", message: e.message, eligible: [] };
  }
  const rejected = new Map<string, number>();
  const reject = (why: string) => rejected.set(why, (rejected.get(why) ?? 0) + 1);
  const eligible: ClusterView[] = [];
  let recheckAt: number | undefined;
  for (const c of [...input.clusters].sort(byName)) {
    if (c.deleting) reject("being deleted");
    else if (!c.accepted) reject("not accepted by the hub");
    else if (!matches(c)) reject("did not match the cluster affinity");
    else {
      const verdict = judgeTaints(c.taints, p.clusterTolerations ?? [], {
        placed: input.current.has(c.name),
        now: input.now,
      });
      if (verdict.untolerated) reject(`had untolerated taint ${formatTaint(verdict.untolerated)}`);
      else {
        eligible.push(c);
        if (verdict.expiresAt !== undefined)
          recheckAt = Math.min(recheckAt ?? verdict.expiresAt, verdict.expiresAt);
      }
    }
  }
  const at = recheckAt === undefined ? {} : { recheckAt };
  if (eligible.length === 0) {
    const message = rejectionSummary(input.clusters.length, eligible.length, rejected);
    return { ok: false, reason: "NoClusterFit", message, eligible, ...at };
  }
  const spread = applySpread(p.spreadConstraints ?? [], eligible, input.current);
  if ("error" in spread) {
    const invalid = spread.invalid === true;
    return {
      ok: false,
      reason: invalid ? "InvalidPlacement" : "SpreadConstraintsNotMet",
      message: spread.error,
      eligible: invalid ? [] : eligible,
      ...at,
    };
  }
  return { ok: true, selected: spread.selected, ...at };
}
