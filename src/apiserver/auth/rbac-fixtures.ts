// Test-only: builders for RBAC objects and authorization requests, shared by the RBAC tests.
import { authorizeSync } from "./rbac.ts";
import type { MemoryRbacSource, RbacObject } from "./rbac-cache.ts";
import type { PolicyRule, Subject } from "./rbac-types.ts";
import type { AuthzAttributes, UserInfo } from "./types.ts";

export const V = "rbac.authorization.k8s.io/v1" as const;
export const G = "rbac.authorization.k8s.io";

export const role = (namespace: string, name: string, rules: PolicyRule[]): RbacObject => ({
  apiVersion: V,
  kind: "Role",
  metadata: { namespace, name },
  rules,
});
export const clusterRole = (name: string, rules: PolicyRule[]): RbacObject => ({
  apiVersion: V,
  kind: "ClusterRole",
  metadata: { name },
  rules,
});
export const roleBinding = (
  namespace: string,
  name: string,
  ref: [string, string],
  subjects: Subject[],
): RbacObject => ({
  apiVersion: V,
  kind: "RoleBinding",
  metadata: { namespace, name },
  roleRef: { apiGroup: G, kind: ref[0], name: ref[1] },
  subjects,
});
export const clusterBinding = (name: string, ref: [string, string], subjects: Subject[]): RbacObject => ({
  apiVersion: V,
  kind: "ClusterRoleBinding",
  metadata: { name },
  roleRef: { apiGroup: G, kind: ref[0], name: ref[1] },
  subjects,
});
export const userSubject = (name: string): Subject => ({ kind: "User", apiGroup: G, name });
export const groupSubject = (name: string): Subject => ({ kind: "Group", apiGroup: G, name });

export const user = (name: string, ...groups: string[]): UserInfo => ({
  name,
  groups: [...groups, "system:authenticated"],
});
export const bob = user("bob");

export type Req = Partial<AuthzAttributes> & { verb: string };
export const res = (u: UserInfo, r: Req): AuthzAttributes => ({
  user: u,
  resourceRequest: true,
  apiGroup: "",
  ...r,
});

export function can(source: MemoryRbacSource, u: UserInfo, r: Req): boolean {
  return authorizeSync(source, res(u, r)).allowed;
}
