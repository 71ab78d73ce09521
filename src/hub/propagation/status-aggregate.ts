// Work statuses → a binding's status.aggregatedStatus (one entry per target cluster, from the
// manifest status whose key is the binding's resource) and its FullyApplied condition (every
// target cluster applied the revision its Work carries for the resource), and → the template's
// own status for workloads (replicas summed over the members; observedGeneration once every
// member applied the current revision). Pure: the status controller feeds it from the cache.
import type { KubeObject } from "../../apis/meta/types.ts";
import { bindingResourceKey, bindingSpec } from "../../propagation/binding-spec.ts";
import { manifestKey, manifestRevision } from "../../propagation/identity.ts";
import { groupOf } from "../../propagation/pod-spec.ts";
import type { ConditionUpdate } from "../clusters/conditions.ts";
import { appliedRevision, type ManifestStatus, workSpec, workStatus } from "./work-object.ts";

export type ClusterEntry = { cluster: string } & Omit<ManifestStatus, "identifier">;

export interface BindingAggregate {
  aggregatedStatus: ClusterEntry[];
  fullyApplied: ConditionUpdate;
  /** Every target cluster applied the current revision. */
  allApplied: boolean;
}

export interface AggregateInput {
  binding: KubeObject;
  work(cluster: string): KubeObject | undefined;
  /** The override failure of this binding in a cluster, if any. */
  overrideFailure(cluster: string): string | undefined;
}

export function aggregateBinding(input: AggregateInput): BindingAggregate {
  const spec = bindingSpec(input.binding);
  const key = bindingResourceKey(input.binding);
  const entries: ClusterEntry[] = [];
  let current = 0;
  for (const { name } of spec.clusters) {
    const work = input.work(name);
    const manifest = work ? workSpec(work).manifests.find((m) => manifestKey(m) === key) : undefined;
    const status = workStatus(work).manifestStatuses?.find((s) => manifestKey(s.identifier) === key);
    const failure = input.overrideFailure(name);
    const { identifier: _id, ...rest } = status ?? { identifier: undefined };
    const entry: ClusterEntry = failure
      ? { ...rest, cluster: name, applied: false, reason: "OverrideFailed", message: failure }
      : { cluster: name, ...rest };
    entries.push(entry);
    const at = status?.revision ?? appliedRevision(work);
    if (!failure && manifest && status?.applied && at >= manifestRevision(manifest)) current++;
  }
  const total = spec.clusters.length;
  const allApplied = total > 0 && current === total;
  const fullyApplied: ConditionUpdate =
    total === 0
      ? {
          type: "FullyApplied",
          status: "False",
          reason: "NoTargetClusters",
          message: "no cluster is targeted",
        }
      : allApplied
        ? {
            type: "FullyApplied",
            status: "True",
            reason: "FullyApplied",
            message: `applied in all ${total} clusters`,
          }
        : {
            type: "FullyApplied",
            status: "False",
            reason: "Pending",
            message: `applied in ${current} of ${total} clusters`,
          };
  return { aggregatedStatus: entries, fullyApplied, allApplied };
}

const REPLICATED = new Set(["apps/Deployment", "apps/StatefulSet", "apps/ReplicaSet"]);

/** Whether the template's status is summed from its members. */
export function aggregatesStatus(ref: { apiVersion: string; kind: string }): boolean {
  const gk = `${groupOf(ref.apiVersion)}/${ref.kind}`;
  return REPLICATED.has(gk) || gk === "apps/DaemonSet";
}

/**
 * The template's status with members' replicas summed in, or undefined for kinds that do not
 * aggregate. Other status fields are kept; observedGeneration moves to the template's generation
 * only once every target cluster applied the current revision.
 */
export function templateStatus(
  template: KubeObject,
  agg: BindingAggregate,
): Record<string, unknown> | undefined {
  if (!aggregatesStatus(template)) return undefined;
  const sum = (f: keyof ClusterEntry) =>
    agg.aggregatedStatus.reduce((n, e) => n + (typeof e[f] === "number" ? (e[f] as number) : 0), 0);
  const current = (template.status ?? {}) as Record<string, unknown>;
  const observed =
    agg.allApplied && template.metadata.generation !== undefined
      ? { observedGeneration: template.metadata.generation }
      : current.observedGeneration !== undefined
        ? { observedGeneration: current.observedGeneration }
        : {};
  if (template.kind === "DaemonSet")
    return {
      ...current,
      ...observed,
      currentNumberScheduled: sum("replicas"),
      desiredNumberScheduled: sum("replicas"),
      numberReady: sum("readyReplicas"),
      numberAvailable: sum("availableReplicas"),
      updatedNumberScheduled: sum("updatedReplicas"),
    };
  return {
    ...current,
    ...observed,
    replicas: sum("replicas"),
    readyReplicas: sum("readyReplicas"),
    availableReplicas: sum("availableReplicas"),
    updatedReplicas: sum("updatedReplicas"),
  };
}
