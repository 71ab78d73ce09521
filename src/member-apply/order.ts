// The order manifests are applied in (docs/propagation.md): what others live in or are defined by
// first (Namespaces, CRDs), then what workloads read (configuration, identities, RBAC, storage,
// quotas), then everything else. Deletions go the other way round.
import type { ManifestId } from "../propagation/identity.ts";

const FIRST = new Set(["/Namespace", "apiextensions.k8s.io/CustomResourceDefinition"]);

const SECOND = new Set([
  "/ConfigMap",
  "/Secret",
  "/ServiceAccount",
  "/LimitRange",
  "/ResourceQuota",
  "/PersistentVolume",
  "/PersistentVolumeClaim",
  "storage.k8s.io/StorageClass",
  "scheduling.k8s.io/PriorityClass",
  "rbac.authorization.k8s.io/Role",
  "rbac.authorization.k8s.io/ClusterRole",
  "rbac.authorization.k8s.io/RoleBinding",
  "rbac.authorization.k8s.io/ClusterRoleBinding",
]);

/** 0, 1 or 2: the group a manifest is applied in. */
export function orderGroup(id: Pick<ManifestId, "apiVersion" | "kind">): number {
  const slash = id.apiVersion.indexOf("/");
  const gk = `${slash < 0 ? "" : id.apiVersion.slice(0, slash)}/${id.kind}`;
  return FIRST.has(gk) ? 0 : SECOND.has(gk) ? 1 : 2;
}

/** Items split into their groups, in apply order (reverse it for deletions). */
export function inOrderGroups<T extends Pick<ManifestId, "apiVersion" | "kind">>(items: Iterable<T>): T[][] {
  const groups: T[][] = [[], [], []];
  for (const it of items) groups[orderGroup(it)].push(it);
  return groups.filter((g) => g.length > 0);
}
