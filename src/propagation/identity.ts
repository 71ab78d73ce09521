// How propagated objects are named and marked: the identifier of a manifest, its map key, and the
// label/annotations MCP puts on every object it delivers (see src/apis/mcp.platform/v1/work.ts).
import type { KubeObject } from "../apis/meta/types.ts";

export interface ManifestId {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export const MANAGED_LABEL = "mcp.platform/managed";
export const BINDING_ANNOTATION = "mcp.platform/binding";
export const REVISION_ANNOTATION = "mcp.platform/revision";
export const CONFLICT_ANNOTATION = "mcp.platform/conflict-resolution";
export const RETAIN_ANNOTATION = "mcp.platform/retain-fields";
/** The field manager MCP applies with, in members. */
export const FIELD_MANAGER = "mcp";
/** Where Works live at the hub. */
export const WORK_NAMESPACE = "mcp-system";

export function manifestId(obj: KubeObject | ManifestId): ManifestId {
  const o = obj as Partial<KubeObject> & Partial<ManifestId> & { apiVersion: string; kind: string };
  const namespace = o.metadata ? o.metadata.namespace : o.namespace;
  const name = o.metadata ? o.metadata.name : o.name;
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    ...(namespace ? { namespace } : {}),
    name: name ?? "",
  };
}

/** A stable key: the group (not the version: v1beta1 and v1 are one object), kind, namespace, name. */
export function manifestKey(obj: KubeObject | ManifestId): string {
  const id = manifestId(obj);
  const slash = id.apiVersion.indexOf("/");
  const group = slash < 0 ? "" : id.apiVersion.slice(0, slash);
  return `${group}/${id.kind}/${id.namespace ?? ""}/${id.name}`;
}

/** The mcp.platform/revision of a manifest (0 when absent or malformed). */
export function manifestRevision(obj: KubeObject): number {
  const v = Number(obj.metadata?.annotations?.[REVISION_ANNOTATION]);
  return Number.isSafeInteger(v) && v > 0 ? v : 0;
}

export function isManagedByMcp(obj: KubeObject): boolean {
  return obj.metadata?.labels?.[MANAGED_LABEL] === "true";
}
