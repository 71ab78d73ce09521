// The ResourceBinding the scheduler wants for one template (see
// src/apis/mcp.platform/v1/resource-binding.ts): named "<name>-<kind lower>" beside the template
// (cluster-scoped templates: in mcp-system) — shortened with a hash when that is no valid name
// (longer than 253 characters, or an RBAC name with ':' or upper case) — labelled with the
// template's uid (how readers find it), owned by the template (blockOwnerDeletion false: the
// binding never holds the template's deletion up), with the decision and the policy's delivery
// options. A binding can come from a policy, from the templates that require the object
// (dependencies: clusters are the union of theirs), or both.
//
// Dependencies take their delivery options from the templates requiring them: Overwrite if any of
// them overwrites, kept in the members on deletion if any of them keeps its objects, suspended
// only if all of them are. A Namespace created because templates need it is never deleted from
// the members (that would delete whatever else lives in it), unless a policy selects the Namespace
// itself and does not ask to keep it.
import { API_VERSION } from "../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../apis/meta/types.ts";
import type { GracefulEviction } from "./failover.ts";
import { objectName, TEMPLATE_UID_LABEL, WORK_NAMESPACE } from "./identity.ts";
import { groupOf } from "./pod-spec.ts";
import type { TargetCluster } from "./replicas.ts";

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

/** How the objects of a binding are delivered (from its policy). */
export interface DeliveryOptions {
  conflictResolution?: "Abort" | "Overwrite";
  retainFields?: string[];
  immutableFieldChange?: "Fail" | "Recreate";
  preserveResourcesOnDeletion?: boolean;
  suspendDispatching?: boolean;
}

export interface Requirer {
  ref: ObjectRef;
  clusters: readonly string[];
  options: DeliveryOptions;
}

export interface BindingInput {
  template: ObjectRef & { uid: string };
  /** Where the binding lives when it exists already (default: bindingLocation of the template). */
  at?: { namespace: string; name: string };
  policy?: { ref: ObjectRef; options: DeliveryOptions };
  /** Clusters decided for the policy (with replicas for workloads). */
  clusters: readonly TargetCluster[];
  replicas?: number;
  evictions?: readonly GracefulEviction[];
  requiredBy?: readonly Requirer[];
}

/** Where a new binding of this template goes. Existing bindings are found by TEMPLATE_UID_LABEL or spec.resource. */
export function bindingLocation(t: { kind: string; namespace?: string; name: string }): {
  namespace: string;
  name: string;
} {
  const kind = t.kind.toLowerCase();
  return {
    namespace: t.namespace || WORK_NAMESPACE,
    name: objectName(`${t.name}-${kind}`, `${t.kind}/${t.namespace ?? ""}/${t.name}`),
  };
}

const refKey = (r: ObjectRef) => `${groupOf(r.apiVersion)}/${r.kind}/${r.namespace ?? ""}/${r.name}`;
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function cleanRef(r: ObjectRef): ObjectRef {
  return {
    apiVersion: r.apiVersion,
    kind: r.kind,
    ...(r.namespace ? { namespace: r.namespace } : {}),
    name: r.name,
    ...(r.uid ? { uid: r.uid } : {}),
  };
}

function dependencyOptions(requirers: readonly Requirer[]): DeliveryOptions {
  if (requirers.length === 0) return {};
  return {
    ...(requirers.some((r) => r.options.conflictResolution === "Overwrite")
      ? { conflictResolution: "Overwrite" }
      : {}),
    // An immutable ConfigMap a workload needs changed: re-created if any workload's policy says so.
    ...(requirers.some((r) => r.options.immutableFieldChange === "Recreate")
      ? { immutableFieldChange: "Recreate" }
      : {}),
    ...(requirers.some((r) => r.options.preserveResourcesOnDeletion)
      ? { preserveResourcesOnDeletion: true }
      : {}),
    ...(requirers.every((r) => r.options.suspendDispatching) ? { suspendDispatching: true } : {}),
  };
}

export function desiredBindingSpec(input: BindingInput): Record<string, unknown> {
  const requirers = [...(input.requiredBy ?? [])].sort((a, b) => (refKey(a.ref) < refKey(b.ref) ? -1 : 1));
  const clusters = new Map(input.clusters.map((c) => [c.name, { ...c }]));
  for (const r of requirers)
    for (const name of r.clusters) if (!clusters.has(name)) clusters.set(name, { name });
  const opts: DeliveryOptions = input.policy ? input.policy.options : dependencyOptions(requirers);
  const isNamespace = groupOf(input.template.apiVersion) === "" && input.template.kind === "Namespace";
  const preserve = opts.preserveResourcesOnDeletion || (isNamespace && !input.policy);
  return {
    resource: cleanRef(input.template),
    ...(input.policy ? { policy: cleanRef(input.policy.ref) } : {}),
    ...(requirers.length > 0 ? { requiredBy: requirers.map((r) => cleanRef(r.ref)) } : {}),
    clusters: [...clusters.values()].sort(byName),
    ...(input.replicas !== undefined && input.policy ? { replicas: input.replicas } : {}),
    ...(opts.conflictResolution ? { conflictResolution: opts.conflictResolution } : {}),
    ...(opts.retainFields && opts.retainFields.length > 0 ? { retainFields: [...opts.retainFields] } : {}),
    ...(opts.immutableFieldChange === "Recreate" ? { immutableFieldChange: "Recreate" } : {}),
    ...(preserve ? { preserveResourcesOnDeletion: true } : {}),
    ...(opts.suspendDispatching ? { suspendDispatching: true } : {}),
    ...(input.evictions && input.evictions.length > 0
      ? { gracefulEvictions: input.evictions.map((e) => ({ ...e })) }
      : {}),
  };
}

/** The owner reference a binding carries to its template. */
export function templateOwnerReference(t: ObjectRef & { uid: string }) {
  return {
    apiVersion: t.apiVersion,
    kind: t.kind,
    name: t.name,
    uid: t.uid,
    controller: true,
    blockOwnerDeletion: false,
  };
}

export function desiredBinding(input: BindingInput): KubeObject {
  const loc = input.at ?? bindingLocation(input.template);
  return {
    apiVersion: API_VERSION,
    kind: "ResourceBinding",
    metadata: {
      name: loc.name,
      namespace: loc.namespace,
      labels: { [TEMPLATE_UID_LABEL]: input.template.uid },
      ownerReferences: [templateOwnerReference(input.template)],
    },
    spec: desiredBindingSpec(input),
  };
}
