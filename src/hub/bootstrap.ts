// What a fresh hub needs before it serves: the system namespaces and the default RBAC roles.
// Existing objects are left as they are, so operators' changes survive restarts.
import { randomUUID } from "node:crypto";
import type { KubeObject } from "../apis/meta/types.ts";
import { bootstrapRbac } from "../apiserver/auth/bootstrap-rbac.ts";
import { nowRfc3339 } from "../apiserver/handlers/prepare.ts";
import { ObjectStore } from "../apiserver/registry/object-store.ts";
import type { ResourceRegistry } from "../apiserver/resources/registry.ts";
import { parseApiVersion } from "../apiserver/resources/resource-type.ts";
import type { Store } from "../storage/store.ts";

export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "mcp-system"];

function namespace(name: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  };
}

/** Creates each object unless one of that name exists. */
export async function ensureObjects(
  store: Store,
  registry: ResourceRegistry,
  objs: KubeObject[],
): Promise<number> {
  const objects = new ObjectStore(store);
  let created = 0;
  for (const obj of objs) {
    const { group, version } = parseApiVersion(obj.apiVersion);
    const rt = registry.byGroupVersionKind(group, version, obj.kind);
    if (!rt) throw new Error(`bootstrap object of unknown kind ${obj.apiVersion}/${obj.kind}`);
    if (await objects.tryGet(rt, obj.metadata.namespace, obj.metadata.name!)) continue;
    const full = {
      ...obj,
      metadata: { ...obj.metadata, uid: randomUUID(), creationTimestamp: nowRfc3339(), generation: 1 },
    };
    await objects.create(rt, full).then(
      () => created++,
      () => {}, // another replica created it first
    );
  }
  return created;
}

export async function bootstrapHub(store: Store, registry: ResourceRegistry): Promise<number> {
  const rbac = bootstrapRbac() as unknown as KubeObject[];
  return ensureObjects(store, registry, [...SYSTEM_NAMESPACES.map(namespace), ...rbac]);
}
