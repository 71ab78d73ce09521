// What the scheduler keeps of templates and propagation policies: only the fields a decision
// reads (never a Secret's data or a ConfigMap's contents), plus a signature of them, so a status
// write on a template (the status aggregator summing members' replicas) or a data change that
// does not move anything re-decides nothing.
import type { KubeObject } from "../../apis/meta/types.ts";
import type { DeliveryOptions, ObjectRef } from "../../propagation/binding.ts";
import { podRequests, type ResourceAmounts } from "../../propagation/capacity.ts";
import { workloadDependencies } from "../../propagation/dependencies.ts";
import { manifestKey } from "../../propagation/identity.ts";
import { groupOf, podSpecOf, templateReplicas } from "../../propagation/pod-spec.ts";
import { isPropagatable, isPropagatableKind } from "../../propagation/propagatable.ts";
import type { SchedulingPolicy } from "../../propagation/schedule.ts";
import type { PolicyView, ResourceSelector, SelectableObject } from "../../propagation/select.ts";

export interface TemplateInfo {
  /** manifestKey: group/Kind/namespace/name. */
  key: string;
  /** group/Kind. */
  typeKey: string;
  ref: ObjectRef & { uid: string };
  selectable: SelectableObject;
  /** May be a template at all (propagatable.ts) and is not being deleted. */
  eligible: boolean;
  replicas?: number;
  requests: ResourceAmounts;
  /** Dependencies (ConfigMaps, Secrets, ServiceAccount) by manifestKey. */
  dependencies: string[];
  signature: string;
}

export interface PolicyInfo extends PolicyView {
  /** Kind/namespace/name. */
  key: string;
  uid?: string;
  scheduling: SchedulingPolicy;
  propagateDeps: boolean;
  options: DeliveryOptions;
  /** group/Kind of every kind it selects that may be a template. */
  selectedTypes: string[];
  signature: string;
}

export const typeKeyOf = (apiVersion: string, kind: string) => `${groupOf(apiVersion)}/${kind}`;

/** Splits a manifestKey back into its parts (names and namespaces never contain "/"). */
export function parseTemplateKey(key: string): {
  group: string;
  kind: string;
  namespace?: string;
  name: string;
} {
  const [group, kind, namespace, name] = key.split("/");
  return { group, kind, ...(namespace ? { namespace } : {}), name };
}

export function templateInfo(obj: KubeObject): TemplateInfo {
  const m = obj.metadata;
  const selectable: SelectableObject = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { name: m.name, ...(m.namespace ? { namespace: m.namespace } : {}), labels: m.labels ?? {} },
  };
  const type = typeof obj.type === "string" ? obj.type : undefined;
  const eligible = !m.deletionTimestamp && isPropagatable({ ...selectable, type });
  const replicas = templateReplicas(obj);
  const podSpec = podSpecOf(obj);
  const requests = podSpec ? podRequests(podSpec) : {};
  const dependencies = workloadDependencies(obj).map(manifestKey);
  const ref = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    ...(m.namespace ? { namespace: m.namespace } : {}),
    name: m.name!,
    uid: m.uid ?? "",
  };
  const labels = Object.entries(m.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const amounts = Object.entries(requests)
    .map(([k, v]) => [k, String(v)])
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    key: manifestKey(obj),
    typeKey: typeKeyOf(obj.apiVersion, obj.kind),
    ref,
    selectable,
    eligible,
    ...(replicas !== undefined ? { replicas } : {}),
    requests,
    dependencies,
    signature: JSON.stringify([ref, labels, eligible, replicas ?? null, amounts, dependencies]),
  };
}

interface PropagationSpecShape extends SchedulingPolicy {
  resourceSelectors?: ResourceSelector[];
  priority?: number;
  propagateDeps?: boolean;
  conflictResolution?: "Abort" | "Overwrite";
  preserveResourcesOnDeletion?: boolean;
  retainFields?: string[];
  immutableFieldChange?: "Fail" | "Recreate";
  suspension?: { dispatching?: boolean };
}

export function policyKey(p: { kind: string; namespace?: string; name: string }): string {
  return `${p.kind}/${p.namespace ?? ""}/${p.name}`;
}

export function policyInfo(obj: KubeObject): PolicyInfo {
  const spec = (obj.spec ?? {}) as PropagationSpecShape;
  const kind = obj.kind as PolicyInfo["kind"];
  const namespace = kind === "PropagationPolicy" ? obj.metadata.namespace : undefined;
  const name = obj.metadata.name!;
  const resourceSelectors = spec.resourceSelectors ?? [];
  const options: DeliveryOptions = {
    ...(spec.conflictResolution ? { conflictResolution: spec.conflictResolution } : {}),
    ...(spec.retainFields?.length ? { retainFields: spec.retainFields } : {}),
    ...(spec.immutableFieldChange === "Recreate" ? { immutableFieldChange: "Recreate" } : {}),
    ...(spec.preserveResourcesOnDeletion ? { preserveResourcesOnDeletion: true } : {}),
    ...(spec.suspension?.dispatching ? { suspendDispatching: true } : {}),
  };
  const scheduling: SchedulingPolicy = {
    ...(spec.placement ? { placement: spec.placement } : {}),
    ...(spec.clusterLabelSelector ? { clusterLabelSelector: spec.clusterLabelSelector } : {}),
    ...(spec.failover ? { failover: spec.failover } : {}),
  };
  const deleting = !!obj.metadata.deletionTimestamp;
  const info = {
    kind,
    ...(namespace ? { namespace } : {}),
    name,
    priority: spec.priority ?? 0,
    resourceSelectors,
    deleting,
    key: policyKey({ kind, namespace, name }),
    uid: obj.metadata.uid,
    scheduling,
    propagateDeps: spec.propagateDeps !== false,
    options,
    selectedTypes: [
      ...new Set(
        resourceSelectors
          .filter((s) => isPropagatableKind(groupOf(s.apiVersion), s.kind))
          .map((s) => typeKeyOf(s.apiVersion, s.kind)),
      ),
    ],
  };
  return { ...info, signature: JSON.stringify(info) };
}

/** The policy as a binding's spec.policy names it. */
export function policyRef(p: PolicyInfo): ObjectRef {
  return {
    apiVersion: "mcp.platform/v1",
    kind: p.kind,
    ...(p.namespace ? { namespace: p.namespace } : {}),
    name: p.name,
    ...(p.uid ? { uid: p.uid } : {}),
  };
}

export function usesDynamicWeights(p: PolicyInfo): boolean {
  const r = p.scheduling.placement?.replicaScheduling;
  return (
    r?.replicaSchedulingType === "Divided" &&
    (r.replicaDivisionPreference === "Aggregated" ||
      r.weightPreference?.dynamicWeight === "AvailableReplicas")
  );
}

export function usesFailover(p: PolicyInfo): boolean {
  return p.scheduling.failover?.application?.decisionConditions !== undefined;
}
