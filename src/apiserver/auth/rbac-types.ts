// The rbac.authorization.k8s.io/v1 kinds the authorizer reads, and the synchronous source it reads
// them from. Field names are Kubernetes' so stored manifests load unchanged.
import type { ObjectMeta } from "../../apis/meta/types.ts";

export const RBAC_GROUP = "rbac.authorization.k8s.io";
export const RBAC_API_VERSION = `${RBAC_GROUP}/v1`;

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  /** Plural resources; "pods/status" names a subresource, "*" all, "*\/scale" a subresource of any. */
  resources?: string[];
  resourceNames?: string[];
  /** Only meaningful in ClusterRoles bound by ClusterRoleBindings; a trailing "*" is a prefix match. */
  nonResourceURLs?: string[];
}

export interface Subject {
  /** "User", "Group" or "ServiceAccount". */
  kind: string;
  name: string;
  /** For ServiceAccount; in a RoleBinding it defaults to the binding's namespace. */
  namespace?: string;
  apiGroup?: string;
}

export interface RoleRef {
  apiGroup: string;
  /** "Role" or "ClusterRole". */
  kind: string;
  name: string;
}

export interface Role {
  apiVersion: typeof RBAC_API_VERSION;
  kind: "Role";
  metadata: ObjectMeta;
  rules?: PolicyRule[];
}

export interface ClusterRole {
  apiVersion: typeof RBAC_API_VERSION;
  kind: "ClusterRole";
  metadata: ObjectMeta;
  rules?: PolicyRule[];
}

export interface RoleBinding {
  apiVersion: typeof RBAC_API_VERSION;
  kind: "RoleBinding";
  metadata: ObjectMeta;
  subjects?: Subject[];
  roleRef: RoleRef;
}

export interface ClusterRoleBinding {
  apiVersion: typeof RBAC_API_VERSION;
  kind: "ClusterRoleBinding";
  metadata: ObjectMeta;
  subjects?: Subject[];
  roleRef: RoleRef;
}

/** What the RBAC authorizer reads. Synchronous: served from memory, never a store read per request. */
export interface RbacSource {
  role(namespace: string, name: string): Role | undefined;
  roles(namespace: string): Role[];
  clusterRole(name: string): ClusterRole | undefined;
  roleBindings(namespace: string): RoleBinding[];
  clusterRoleBindings(): ClusterRoleBinding[];
}
