// How propagated objects are named and marked: the identifier of a manifest, its map key, the
// label/annotations MCP puts on every object it delivers (see src/apis/mcp.platform/v1/work.ts),
// and how a name MCP derives from other names (a binding's, a label value) is kept valid.
import { createHash } from "node:crypto";
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
/** "Recreate": a change to an immutable field deletes and re-creates the member's object. */
export const IMMUTABLE_ANNOTATION = "mcp.platform/immutable-field-change";
/** On a ResourceBinding: the uid of its template. Look bindings up by it, never by re-deriving a name. */
export const TEMPLATE_UID_LABEL = "mcp.platform/template-uid";
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

/** The longest object name (a DNS-1123 subdomain) and the longest label value. */
export const MAX_NAME_LENGTH = 253;
export const MAX_LABEL_VALUE_LENGTH = 63;

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const HASH_CHARS = 10;

const digest = (seed: string) => createHash("sha256").update(seed).digest("hex").slice(0, HASH_CHARS);

/** `head` cut to leave room for "-<hash of seed>", ending on a letter or digit. */
function withHash(head: string, seed: string, max: number): string {
  const cut = head.slice(0, max - HASH_CHARS - 1).replace(/[^a-z0-9]+$/i, "");
  return cut ? `${cut}-${digest(seed)}` : digest(seed);
}

/**
 * A valid object name (DNS-1123 subdomain, at most 253 characters) from `base`: `base` itself
 * when it is one, otherwise — as Karmada's names.GenerateBindingName for RBAC names with ':' and
 * upper case — lowered, with other characters replaced, cut, and suffixed with a hash of `seed`
 * (what identifies the object), so two objects never share the shortened name and the same object
 * always gets the same one. Names made this way cannot be re-derived by readers: find the object
 * by a label or annotation instead.
 */
export function objectName(base: string, seed: string): string {
  if (base.length <= MAX_NAME_LENGTH && SUBDOMAIN.test(base)) return base;
  const cleaned = base
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, "-")
    .split(".")
    .map((part) => part.replace(/^-+|-+$/g, ""))
    .filter(Boolean)
    .join(".");
  return withHash(cleaned, seed, MAX_NAME_LENGTH);
}

/** A valid label value from `value`: itself when it is one, otherwise cut with a hash of it. */
export function labelValue(value: string): string {
  if (value.length <= MAX_LABEL_VALUE_LENGTH && LABEL_VALUE.test(value)) return value;
  return withHash(
    value.replace(/[^-A-Za-z0-9_.]/g, "-").replace(/^[^a-z0-9]+/i, ""),
    value,
    MAX_LABEL_VALUE_LENGTH,
  );
}
