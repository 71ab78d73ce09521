// apiVersions Kubernetes deprecated and removed, per kind (data version 2025-06), from the
// Deprecated API Migration Guide, https://kubernetes.io/docs/reference/using-api/deprecation-guide/
// (one section per removal release, cited per row). `replacement` is the apiVersion to migrate
// to; absent when the kind itself is gone (PodSecurityPolicy).
import { minorDistance, parseMinor, type Version } from "./kube-version.ts";

export interface ApiRemoval {
  apiVersion: string;
  kind: string;
  /** Plural resource, as in served group/version/resource lists. */
  resource: string;
  deprecatedIn: string;
  removedIn: string;
  replacement?: string;
  source: string;
}

const GUIDE = "https://kubernetes.io/docs/reference/using-api/deprecation-guide/";
const section = (removedIn: string) => `${GUIDE}#v${removedIn.replace(".", "-")}`;

type Row = [apiVersion: string, kind: string, resource: string, deprecatedIn: string, replacement?: string];

function removedIn(version: string, rows: Row[]): ApiRemoval[] {
  return rows.map(([apiVersion, kind, resource, deprecatedIn, replacement]) => ({
    apiVersion,
    kind,
    resource,
    deprecatedIn,
    removedIn: version,
    ...(replacement ? { replacement } : {}),
    source: section(version),
  }));
}

export const API_REMOVALS: ApiRemoval[] = [
  ...removedIn("1.16", [
    ["extensions/v1beta1", "Deployment", "deployments", "1.9", "apps/v1"],
    ["extensions/v1beta1", "DaemonSet", "daemonsets", "1.9", "apps/v1"],
    ["extensions/v1beta1", "ReplicaSet", "replicasets", "1.9", "apps/v1"],
    ["extensions/v1beta1", "NetworkPolicy", "networkpolicies", "1.9", "networking.k8s.io/v1"],
    ["extensions/v1beta1", "PodSecurityPolicy", "podsecuritypolicies", "1.10", "policy/v1beta1"],
    ["apps/v1beta1", "Deployment", "deployments", "1.9", "apps/v1"],
    ["apps/v1beta1", "StatefulSet", "statefulsets", "1.9", "apps/v1"],
    ["apps/v1beta2", "Deployment", "deployments", "1.9", "apps/v1"],
    ["apps/v1beta2", "StatefulSet", "statefulsets", "1.9", "apps/v1"],
    ["apps/v1beta2", "DaemonSet", "daemonsets", "1.9", "apps/v1"],
    ["apps/v1beta2", "ReplicaSet", "replicasets", "1.9", "apps/v1"],
  ]),
  ...removedIn("1.22", [
    ["extensions/v1beta1", "Ingress", "ingresses", "1.14", "networking.k8s.io/v1"],
    ["networking.k8s.io/v1beta1", "Ingress", "ingresses", "1.19", "networking.k8s.io/v1"],
    ["networking.k8s.io/v1beta1", "IngressClass", "ingressclasses", "1.19", "networking.k8s.io/v1"],
    [
      "admissionregistration.k8s.io/v1beta1",
      "MutatingWebhookConfiguration",
      "mutatingwebhookconfigurations",
      "1.16",
      "admissionregistration.k8s.io/v1",
    ],
    [
      "admissionregistration.k8s.io/v1beta1",
      "ValidatingWebhookConfiguration",
      "validatingwebhookconfigurations",
      "1.16",
      "admissionregistration.k8s.io/v1",
    ],
    [
      "apiextensions.k8s.io/v1beta1",
      "CustomResourceDefinition",
      "customresourcedefinitions",
      "1.16",
      "apiextensions.k8s.io/v1",
    ],
    ["apiregistration.k8s.io/v1beta1", "APIService", "apiservices", "1.19", "apiregistration.k8s.io/v1"],
    [
      "certificates.k8s.io/v1beta1",
      "CertificateSigningRequest",
      "certificatesigningrequests",
      "1.19",
      "certificates.k8s.io/v1",
    ],
    ["coordination.k8s.io/v1beta1", "Lease", "leases", "1.19", "coordination.k8s.io/v1"],
    [
      "rbac.authorization.k8s.io/v1beta1",
      "ClusterRole",
      "clusterroles",
      "1.17",
      "rbac.authorization.k8s.io/v1",
    ],
    [
      "rbac.authorization.k8s.io/v1beta1",
      "ClusterRoleBinding",
      "clusterrolebindings",
      "1.17",
      "rbac.authorization.k8s.io/v1",
    ],
    ["rbac.authorization.k8s.io/v1beta1", "Role", "roles", "1.17", "rbac.authorization.k8s.io/v1"],
    [
      "rbac.authorization.k8s.io/v1beta1",
      "RoleBinding",
      "rolebindings",
      "1.17",
      "rbac.authorization.k8s.io/v1",
    ],
    ["scheduling.k8s.io/v1beta1", "PriorityClass", "priorityclasses", "1.14", "scheduling.k8s.io/v1"],
    ["storage.k8s.io/v1beta1", "CSIDriver", "csidrivers", "1.19", "storage.k8s.io/v1"],
    ["storage.k8s.io/v1beta1", "CSINode", "csinodes", "1.17", "storage.k8s.io/v1"],
    ["storage.k8s.io/v1beta1", "StorageClass", "storageclasses", "1.19", "storage.k8s.io/v1"],
    ["storage.k8s.io/v1beta1", "VolumeAttachment", "volumeattachments", "1.19", "storage.k8s.io/v1"],
  ]),
  ...removedIn("1.25", [
    ["batch/v1beta1", "CronJob", "cronjobs", "1.21", "batch/v1"],
    ["discovery.k8s.io/v1beta1", "EndpointSlice", "endpointslices", "1.21", "discovery.k8s.io/v1"],
    ["events.k8s.io/v1beta1", "Event", "events", "1.22", "events.k8s.io/v1"],
    ["autoscaling/v2beta1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "1.22", "autoscaling/v2"],
    ["policy/v1beta1", "PodDisruptionBudget", "poddisruptionbudgets", "1.21", "policy/v1"],
    ["policy/v1beta1", "PodSecurityPolicy", "podsecuritypolicies", "1.21"],
    ["node.k8s.io/v1beta1", "RuntimeClass", "runtimeclasses", "1.20", "node.k8s.io/v1"],
  ]),
  ...removedIn("1.26", [
    ["autoscaling/v2beta2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "1.23", "autoscaling/v2"],
    [
      "flowcontrol.apiserver.k8s.io/v1beta1",
      "FlowSchema",
      "flowschemas",
      "1.23",
      "flowcontrol.apiserver.k8s.io/v1",
    ],
    [
      "flowcontrol.apiserver.k8s.io/v1beta1",
      "PriorityLevelConfiguration",
      "prioritylevelconfigurations",
      "1.23",
      "flowcontrol.apiserver.k8s.io/v1",
    ],
  ]),
  ...removedIn("1.27", [
    ["storage.k8s.io/v1beta1", "CSIStorageCapacity", "csistoragecapacities", "1.24", "storage.k8s.io/v1"],
  ]),
  ...removedIn("1.29", [
    [
      "flowcontrol.apiserver.k8s.io/v1beta2",
      "FlowSchema",
      "flowschemas",
      "1.26",
      "flowcontrol.apiserver.k8s.io/v1",
    ],
    [
      "flowcontrol.apiserver.k8s.io/v1beta2",
      "PriorityLevelConfiguration",
      "prioritylevelconfigurations",
      "1.26",
      "flowcontrol.apiserver.k8s.io/v1",
    ],
  ]),
  ...removedIn("1.32", [
    [
      "flowcontrol.apiserver.k8s.io/v1beta3",
      "FlowSchema",
      "flowschemas",
      "1.29",
      "flowcontrol.apiserver.k8s.io/v1",
    ],
    [
      "flowcontrol.apiserver.k8s.io/v1beta3",
      "PriorityLevelConfiguration",
      "prioritylevelconfigurations",
      "1.29",
      "flowcontrol.apiserver.k8s.io/v1",
    ],
  ]),
];

export function removalFor(apiVersion: string, kind: string): ApiRemoval | undefined {
  return API_REMOVALS.find((r) => r.apiVersion === apiVersion && r.kind === kind);
}

/** "removed" when gone at `version`, "deprecated" when deprecated but still served, else undefined. */
export function apiStatusAt(row: ApiRemoval, version: Version): "removed" | "deprecated" | undefined {
  if (minorDistance(version, parseMinor(row.removedIn)) >= 0) return "removed";
  if (minorDistance(version, parseMinor(row.deprecatedIn)) >= 0) return "deprecated";
  return undefined;
}
