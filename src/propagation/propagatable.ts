// Which hub objects may be templates at all, whatever a policy selects. Left out: MCP's own kinds
// (mcp.platform), what every cluster makes for itself or only means something where it was made
// (Events, Leases, Nodes, ControllerRevisions, EndpointSlices, service-account token Secrets, the
// "default" ServiceAccount and the kube-root-ca.crt ConfigMap of each namespace), the system
// namespaces and everything in them, and the RBAC objects the API server's bootstrap owns
// (labelled kubernetes.io/bootstrapping=rbac-defaults, or named system:*).
import { groupOf } from "./pod-spec.ts";
import type { SelectableObject } from "./select.ts";

/** Namespaces whose objects are never propagated (nor the namespaces themselves). */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set([
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "mcp-system",
]);

/** Exists in every cluster and is never created nor deleted by MCP. */
export const DEFAULT_NAMESPACE = "default";

const DENIED_KINDS = new Set([
  "/Event",
  "events.k8s.io/Event",
  "coordination.k8s.io/Lease",
  "/Node",
  "/ComponentStatus",
  "apps/ControllerRevision",
  "discovery.k8s.io/EndpointSlice",
]);

const RBAC_GROUP = "rbac.authorization.k8s.io";

export interface TemplateCandidate extends SelectableObject {
  /** Secrets: their type. */
  type?: string;
}

/** Whether objects of this kind may be templates at all (MCP's own kinds, Events ... may not). */
export function isPropagatableKind(group: string, kind: string): boolean {
  return group !== "mcp.platform" && !DENIED_KINDS.has(`${group}/${kind}`);
}

export function isPropagatable(obj: TemplateCandidate): boolean {
  const group = groupOf(obj.apiVersion);
  const { name = "", namespace, labels } = obj.metadata;
  if (!isPropagatableKind(group, obj.kind)) return false;
  if (namespace && SYSTEM_NAMESPACES.has(namespace)) return false;
  if (group === "") {
    if (obj.kind === "Namespace" && (SYSTEM_NAMESPACES.has(name) || name === DEFAULT_NAMESPACE)) return false;
    if (obj.kind === "Secret" && obj.type === "kubernetes.io/service-account-token") return false;
    if (obj.kind === "ServiceAccount" && name === "default") return false;
    if (obj.kind === "ConfigMap" && name === "kube-root-ca.crt") return false;
  }
  if (
    group === RBAC_GROUP &&
    (name.startsWith("system:") || labels?.["kubernetes.io/bootstrapping"] === "rbac-defaults")
  )
    return false;
  return true;
}
