// The "Propagation" section `mcpctl describe` adds to a template at the hub: which policy placed
// it, and for every target cluster its replicas, whether it is applied, its health, available
// replicas, drift and any message — read from the template's ResourceBinding.
import { isObject, type KubeObject } from "../apis/meta/types.ts";
import { TEMPLATE_UID_LABEL } from "../propagation/identity.ts";
import { columns } from "./describe-format.ts";

interface ClusterStatusLike {
  cluster: string;
  applied?: boolean;
  reason?: string;
  health?: string;
  availableReplicas?: number;
  drift?: string[];
  message?: string;
}

interface BindingLike {
  spec?: {
    policy?: { kind?: string; namespace?: string; name?: string };
    requiredBy?: { kind?: string; name?: string }[];
    clusters?: { name: string; replicas?: number }[];
    gracefulEvictions?: { cluster: string; reason: string }[];
  };
  status?: { aggregatedStatus?: ClusterStatusLike[] };
}

/**
 * How to find a template's binding: beside it (in mcp-system for cluster-scoped templates), by
 * the label carrying the template's uid — its name is not re-derived, since long and RBAC names
 * are shortened with a hash.
 */
export function bindingQuery(obj: KubeObject): { namespace: string; labelSelector: string } | undefined {
  if (obj.apiVersion.startsWith("mcp.platform/") || !obj.metadata.name || !obj.metadata.uid) return undefined;
  return {
    namespace: obj.metadata.namespace || "mcp-system",
    labelSelector: `${TEMPLATE_UID_LABEL}=${obj.metadata.uid}`,
  };
}

export function propagationSection(binding: KubeObject | undefined): string {
  if (!binding) return "";
  const b = binding as unknown as BindingLike;
  const policy = b.spec?.policy;
  let out = "Propagation:\n";
  if (policy?.name)
    out += `  Policy:  ${policy.kind}/${policy.namespace ? `${policy.namespace}/` : ""}${policy.name}\n`;
  for (const r of b.spec?.requiredBy ?? []) out += `  Required by:  ${r.kind}/${r.name}\n`;
  const statuses = new Map((b.status?.aggregatedStatus ?? []).map((s) => [s.cluster, s]));
  const clusters = b.spec?.clusters ?? [];
  if (clusters.length === 0) return `${out}  Clusters:  <none>\n`;
  const rows = [["Cluster", "Replicas", "Applied", "Health", "Available", "Drift", "Message"]];
  for (const c of clusters) {
    const s = statuses.get(c.name);
    rows.push([
      c.name,
      c.replicas === undefined ? "-" : String(c.replicas),
      s?.applied === undefined ? "Pending" : s.applied ? "True" : `False (${s.reason ?? "Unknown"})`,
      s?.health ?? "Unknown",
      s?.availableReplicas === undefined ? "-" : String(s.availableReplicas),
      s?.drift?.length ? s.drift.join(", ") : "-",
      (s?.message ?? "").replace(/\s*\n\s*/g, " "),
    ]);
  }
  for (const e of b.spec?.gracefulEvictions ?? [])
    rows.push([e.cluster, "-", "evicting", "-", "-", "-", e.reason]);
  return out + columns(rows);
}

export function isBinding(obj: unknown): obj is KubeObject {
  return isObject(obj) && obj.kind === "ResourceBinding";
}
