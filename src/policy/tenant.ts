// Tenancy conventions the policy engine uses (and the built-in cross-tenant-access condition
// reads): a Namespace belongs to the tenant named by its `mcp.platform/tenant` label; a user
// belongs to tenant T when one of their groups is `tenant:T` (client certificate O=tenant:T, or
// a token's groups); a service account belongs to the tenant of its namespace. Users with no
// tenant (platform admins, controllers) are never cross-tenant.
import type { KubeObject } from "../apis/meta/types.ts";

export const TENANT_LABEL = "mcp.platform/tenant";
export const TENANT_GROUP_PREFIX = "tenant:";
const SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

export interface TenantUser {
  name: string;
  groups: readonly string[];
}

/** The namespace's tenant, or "" when it has none. */
export function namespaceTenant(ns: KubeObject | undefined): string {
  return ns?.metadata.labels?.[TENANT_LABEL] ?? "";
}

/** The user's tenant, or "" (no tenant). `namespace` looks up a service account's namespace. */
export function userTenant(user: TenantUser, namespace: (name: string) => KubeObject | undefined): string {
  const group = user.groups.find((g) => g.startsWith(TENANT_GROUP_PREFIX));
  if (group) return group.slice(TENANT_GROUP_PREFIX.length);
  if (user.name.startsWith(SERVICE_ACCOUNT_PREFIX)) {
    const ns = user.name.slice(SERVICE_ACCOUNT_PREFIX.length).split(":")[0];
    return namespaceTenant(namespace(ns));
  }
  return "";
}
