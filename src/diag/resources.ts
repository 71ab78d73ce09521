// Where each snapshot key lives in the Kubernetes API: the group/version/resource a scan lists,
// and any server-side filter that keeps the snapshot to what checks need. One row per key so a
// new key is one line here plus its name in types.ts.
import type { SnapshotKey } from "./types.ts";

export interface ResourceSource {
  /** "" for the core group. */
  group: string;
  version: string;
  resource: string;
  /** A fieldSelector sent with the list (the apiserver filters, not us). */
  fieldSelector?: string;
  /**
   * An optional add-on's API (Velero): when its group/version is not served the list is empty
   * rather than unreadable, and checks tell "not installed" from servedResources.
   */
  optional?: boolean;
}

export const SNAPSHOT_SOURCES: Record<SnapshotKey, ResourceSource> = {
  nodes: { group: "", version: "v1", resource: "nodes" },
  namespaces: { group: "", version: "v1", resource: "namespaces" },
  pods: { group: "", version: "v1", resource: "pods" },
  services: { group: "", version: "v1", resource: "services" },
  persistentvolumeclaims: { group: "", version: "v1", resource: "persistentvolumeclaims" },
  persistentvolumes: { group: "", version: "v1", resource: "persistentvolumes" },
  configmaps: { group: "", version: "v1", resource: "configmaps" },
  // Only TLS secrets (certificate expiry is all checks want), and only their certificates: the
  // snapshot never holds private keys or other secret data (see snapshot.ts).
  secrets: { group: "", version: "v1", resource: "secrets", fieldSelector: "type=kubernetes.io/tls" },
  deployments: { group: "apps", version: "v1", resource: "deployments" },
  replicasets: { group: "apps", version: "v1", resource: "replicasets" },
  statefulsets: { group: "apps", version: "v1", resource: "statefulsets" },
  daemonsets: { group: "apps", version: "v1", resource: "daemonsets" },
  jobs: { group: "batch", version: "v1", resource: "jobs" },
  cronjobs: { group: "batch", version: "v1", resource: "cronjobs" },
  endpointslices: { group: "discovery.k8s.io", version: "v1", resource: "endpointslices" },
  storageclasses: { group: "storage.k8s.io", version: "v1", resource: "storageclasses" },
  csidrivers: { group: "storage.k8s.io", version: "v1", resource: "csidrivers" },
  networkpolicies: { group: "networking.k8s.io", version: "v1", resource: "networkpolicies" },
  poddisruptionbudgets: { group: "policy", version: "v1", resource: "poddisruptionbudgets" },
  clusterrolebindings: { group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterrolebindings" },
  rolebindings: { group: "rbac.authorization.k8s.io", version: "v1", resource: "rolebindings" },
  customresourcedefinitions: {
    group: "apiextensions.k8s.io",
    version: "v1",
    resource: "customresourcedefinitions",
  },
  velerobackups: { group: "velero.io", version: "v1", resource: "backups", optional: true },
  veleroschedules: { group: "velero.io", version: "v1", resource: "schedules", optional: true },
};

/** "v1" for the core group, "apps/v1" otherwise: the apiVersion objects of this source carry. */
export const apiVersionOf = (s: ResourceSource): string => (s.group ? `${s.group}/${s.version}` : s.version);

/** The collection path across all namespaces, e.g. /apis/apps/v1/deployments. */
export const listPath = (s: ResourceSource): string =>
  s.group ? `/apis/${s.group}/${s.version}/${s.resource}` : `/api/${s.version}/${s.resource}`;

/** The servedResources entry of a source, e.g. "apps/v1/deployments" or "v1/pods". */
export const servedName = (s: ResourceSource): string => `${apiVersionOf(s)}/${s.resource}`;
