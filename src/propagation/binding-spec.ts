// Typed reads of a ResourceBinding (src/apis/mcp.platform/v1/resource-binding.ts) for the code
// that turns bindings into Work and Work status back into binding status.
import type { KubeObject } from "../apis/meta/types.ts";
import { type ManifestId, manifestKey } from "./identity.ts";

export interface BindingObjectRef extends ManifestId {
  uid?: string;
}

export interface BindingTarget {
  name: string;
  /** Divided: this cluster's share. */
  replicas?: number;
}

export interface BindingSpec {
  resource: BindingObjectRef;
  policy?: BindingObjectRef;
  requiredBy?: BindingObjectRef[];
  clusters: BindingTarget[];
  replicas?: number;
  conflictResolution?: "Abort" | "Overwrite";
  retainFields?: string[];
  immutableFieldChange?: "Fail" | "Recreate";
  preserveResourcesOnDeletion?: boolean;
  suspendDispatching?: boolean;
  gracefulEvictions?: { cluster: string; reason: string; since: string }[];
}

export function bindingSpec(b: KubeObject): BindingSpec {
  const spec = (b.spec ?? {}) as Partial<BindingSpec>;
  return {
    ...spec,
    resource: spec.resource ?? { apiVersion: "", kind: "", name: "" },
    clusters: spec.clusters ?? [],
  };
}

/** "<namespace>/<name>": what the mcp.platform/binding annotation holds. */
export function bindingRef(b: KubeObject): string {
  return `${b.metadata.namespace ?? ""}/${b.metadata.name}`;
}

/** The manifest key of the binding's template (see manifestKey). */
export function bindingResourceKey(b: KubeObject): string {
  return manifestKey(bindingSpec(b).resource);
}

/** Every cluster the binding delivers to: its targets and clusters still being evicted. */
export function bindingClusters(b: KubeObject): string[] {
  const spec = bindingSpec(b);
  const names = new Set(spec.clusters.map((c) => c.name));
  for (const e of spec.gracefulEvictions ?? []) names.add(e.cluster);
  return [...names];
}

/**
 * Whether objects the binding delivered stay in members when they are removed (the scheduler
 * also sets it for Namespaces that are only there as dependencies: src/propagation/binding.ts).
 */
export function orphansOnRemoval(b: KubeObject): boolean {
  return bindingSpec(b).preserveResourcesOnDeletion === true;
}
