// The Kubernetes kinds every server knows without a CRD: the groups a real cluster serves.
// The hub stores them as templates; the simulator serves them as a cluster would.
import { ALL_VERBS, type ResourceHooks, type ResourceType } from "./resource-type.ts";

interface Entry {
  kind: string;
  plural?: string;
  namespaced?: boolean;
  shortNames?: string[];
  status?: boolean;
  scale?: boolean;
  categories?: string[];
  nameIsLabel?: boolean;
  verbs?: string[];
  selectableFields?: string[];
}

const groups: Record<string, Entry[]> = {
  v1: [
    { kind: "Namespace", namespaced: false, shortNames: ["ns"], status: true, nameIsLabel: true },
    { kind: "ConfigMap", shortNames: ["cm"] },
    { kind: "Secret", selectableFields: ["type"] },
    { kind: "Service", shortNames: ["svc"], status: true, nameIsLabel: true, categories: ["all"] },
    { kind: "ServiceAccount", shortNames: ["sa"] },
    {
      kind: "Pod",
      shortNames: ["po"],
      status: true,
      categories: ["all"],
      selectableFields: [
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "status.phase",
        "status.podIP",
      ],
    },
    { kind: "PodTemplate" },
    { kind: "ReplicationController", shortNames: ["rc"], status: true, scale: true, categories: ["all"] },
    {
      kind: "Node",
      namespaced: false,
      shortNames: ["no"],
      status: true,
      selectableFields: ["spec.unschedulable"],
    },
    {
      kind: "Event",
      shortNames: ["ev"],
      selectableFields: [
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
      ],
    },
    { kind: "Endpoints", plural: "endpoints", shortNames: ["ep"] },
    { kind: "PersistentVolume", namespaced: false, shortNames: ["pv"], status: true },
    { kind: "PersistentVolumeClaim", shortNames: ["pvc"], status: true },
    { kind: "LimitRange", shortNames: ["limits"] },
    { kind: "ResourceQuota", shortNames: ["quota"], status: true },
  ],
  "apps/v1": [
    { kind: "Deployment", shortNames: ["deploy"], status: true, scale: true, categories: ["all"] },
    { kind: "ReplicaSet", shortNames: ["rs"], status: true, scale: true, categories: ["all"] },
    { kind: "StatefulSet", shortNames: ["sts"], status: true, scale: true, categories: ["all"] },
    { kind: "DaemonSet", shortNames: ["ds"], status: true, categories: ["all"] },
    { kind: "ControllerRevision" },
  ],
  "batch/v1": [
    { kind: "Job", status: true, categories: ["all"] },
    { kind: "CronJob", shortNames: ["cj"], status: true, categories: ["all"] },
  ],
  "autoscaling/v2": [
    { kind: "HorizontalPodAutoscaler", shortNames: ["hpa"], status: true, categories: ["all"] },
  ],
  "networking.k8s.io/v1": [
    { kind: "Ingress", shortNames: ["ing"], status: true },
    { kind: "IngressClass", namespaced: false },
    { kind: "NetworkPolicy", shortNames: ["netpol"] },
  ],
  "storage.k8s.io/v1": [
    { kind: "StorageClass", namespaced: false, shortNames: ["sc"] },
    { kind: "CSIDriver", namespaced: false },
    { kind: "VolumeAttachment", namespaced: false, status: true },
  ],
  "policy/v1": [{ kind: "PodDisruptionBudget", shortNames: ["pdb"], status: true }],
  "rbac.authorization.k8s.io/v1": [
    { kind: "Role" },
    { kind: "ClusterRole", namespaced: false },
    { kind: "RoleBinding" },
    { kind: "ClusterRoleBinding", namespaced: false },
  ],
  "coordination.k8s.io/v1": [{ kind: "Lease" }],
  "discovery.k8s.io/v1": [{ kind: "EndpointSlice", selectableFields: ["addressType"] }],
  "apiextensions.k8s.io/v1": [
    { kind: "CustomResourceDefinition", namespaced: false, shortNames: ["crd", "crds"], status: true },
  ],
  "authorization.k8s.io/v1": [
    { kind: "SelfSubjectAccessReview", namespaced: false, verbs: ["create"] },
    { kind: "SubjectAccessReview", namespaced: false, verbs: ["create"] },
  ],
  "authentication.k8s.io/v1": [{ kind: "SelfSubjectReview", namespaced: false, verbs: ["create"] }],
  "scheduling.k8s.io/v1": [{ kind: "PriorityClass", namespaced: false, shortNames: ["pc"] }],
  "admissionregistration.k8s.io/v1": [
    { kind: "ValidatingWebhookConfiguration", namespaced: false },
    { kind: "MutatingWebhookConfiguration", namespaced: false },
  ],
};

/** Kubernetes' own pluralisation for the kinds above (kind lower-cased + s/es/ies). */
export function pluralize(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith("s") || lower.endsWith("x") || lower.endsWith("ch")) return `${lower}es`;
  if (lower.endsWith("y") && !/[aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** Kubernetes' defaulting that every server applies, hub and simulator alike. */
const builtinHooks: Record<string, ResourceHooks> = {
  "/Namespace": {
    default(obj) {
      const name = obj.metadata.name;
      if (name) obj.metadata.labels = { ...obj.metadata.labels, "kubernetes.io/metadata.name": name };
      const spec = (obj.spec ?? {}) as { finalizers?: string[] };
      obj.spec = { ...spec, finalizers: spec.finalizers ?? ["kubernetes"] };
      const status = (obj.status ?? {}) as { phase?: string };
      obj.status = { ...status, phase: status.phase ?? "Active" };
    },
  },
};

export function builtinResourceTypes(): ResourceType[] {
  const out: ResourceType[] = [];
  for (const [gv, entries] of Object.entries(groups)) {
    const [group, version] = gv.includes("/") ? gv.split("/") : ["", gv];
    for (const e of entries) {
      const subresources = [...(e.status ? ["status"] : []), ...(e.scale ? ["scale"] : [])];
      out.push({
        group,
        version,
        kind: e.kind,
        listKind: `${e.kind}List`,
        plural: e.plural ?? pluralize(e.kind),
        singular: e.kind.toLowerCase(),
        namespaced: e.namespaced ?? true,
        shortNames: e.shortNames,
        categories: e.categories,
        verbs: e.verbs ?? ALL_VERBS,
        subresources,
        nameIsLabel: e.nameIsLabel,
        builtin: true,
        selectableFields: e.selectableFields,
        hooks: builtinHooks[`${group}/${e.kind}`],
        source: "builtin",
      });
    }
  }
  return out;
}
