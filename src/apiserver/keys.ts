// Where objects live in the Store. One layout for every engine:
//   namespaced:      /registry/<group|core>/<resource>/<namespace>/<name>
//   cluster-scoped:  /registry/<group|core>/<resource>/<name>
// Platform-internal records (hashed tokens, ...) live under /mcp/.

export interface ResourceRef {
  /** API group, "" for the core group. */
  group: string;
  /** The plural resource name, e.g. "deployments". */
  resource: string;
}

const groupSegment = (group: string) => (group === "" ? "core" : group);

/** Prefix of every object of a resource; with a namespace, only that namespace's objects. */
export function resourcePrefix(ref: ResourceRef, namespace?: string): string {
  const base = `/registry/${groupSegment(ref.group)}/${ref.resource}/`;
  return namespace ? `${base}${namespace}/` : base;
}

export function objectKey(ref: ResourceRef, namespace: string | undefined, name: string): string {
  return `${resourcePrefix(ref, namespace)}${name}`;
}
