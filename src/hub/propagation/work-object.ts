// Typed reads and writes of a Work (src/apis/mcp.platform/v1/work.ts): one per cluster, named
// after it, in mcp-system. The hub keeps one bit of its own bookkeeping on the Work's metadata
// (never on the manifests, so it never reaches a member): which bindings keep their objects in the
// member when they go away, so a tombstone made after such a binding was deleted still orphans.
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { Condition, KubeObject } from "../../apis/meta/types.ts";
import type { ObjectRef } from "../../apiserver/client/internal-client.ts";
import type { ManifestStatus, Tombstone } from "../../member-apply/types.ts";
import { labelValue, WORK_NAMESPACE } from "../../propagation/identity.ts";

export type { ManifestStatus, Tombstone };

export interface WorkSpec {
  cluster: string;
  revision: number;
  contentHash?: string;
  manifests: KubeObject[];
  deletions: Tombstone[];
  suspendDispatching: boolean;
}

export interface WorkStatus {
  conditions?: Condition[];
  appliedRevision?: number;
  lastAppliedTime?: string;
  manifestStatuses?: ManifestStatus[];
}

/** Binding refs ("ns/name") whose objects are orphaned rather than deleted on removal. */
export const PRESERVE_ANNOTATION = "mcp.platform/preserve-bindings";
/** Which cluster a Work is for, as a label (selectable with -l). */
export const CLUSTER_LABEL = "mcp.platform/cluster";

export const workRef = (cluster: string): ObjectRef => ({
  apiVersion: API_VERSION,
  kind: "Work",
  namespace: WORK_NAMESPACE,
  name: cluster,
});

interface RawSpec {
  cluster?: string;
  revision?: number;
  contentHash?: string;
  workload?: { manifests?: KubeObject[] };
  deletions?: Tombstone[];
  suspendDispatching?: boolean;
}

export function workSpec(w: KubeObject): WorkSpec {
  const s = (w.spec ?? {}) as RawSpec;
  return {
    cluster: s.cluster ?? w.metadata.name ?? "",
    revision: s.revision ?? 0,
    ...(s.contentHash ? { contentHash: s.contentHash } : {}),
    manifests: s.workload?.manifests ?? [],
    deletions: s.deletions ?? [],
    suspendDispatching: s.suspendDispatching === true,
  };
}

export function workStatus(w: KubeObject | undefined): WorkStatus {
  return ((w?.status ?? {}) as WorkStatus) ?? {};
}

export function appliedRevision(w: KubeObject | undefined): number {
  return workStatus(w).appliedRevision ?? 0;
}

export function preservedBindings(w: KubeObject | undefined): Set<string> {
  const v = w?.metadata.annotations?.[PRESERVE_ANNOTATION];
  return new Set(v ? v.split(",").filter(Boolean) : []);
}

/** The Work's spec fields as stored. */
export function rawSpec(spec: WorkSpec): Record<string, unknown> {
  return {
    cluster: spec.cluster,
    revision: spec.revision,
    ...(spec.contentHash ? { contentHash: spec.contentHash } : {}),
    workload: { manifests: spec.manifests },
    ...(spec.deletions.length ? { deletions: spec.deletions } : {}),
    ...(spec.suspendDispatching ? { suspendDispatching: true } : {}),
  };
}

/** A new Work for a cluster (owned by its Cluster, so the garbage collector removes it too). */
export function newWork(cluster: KubeObject, spec: WorkSpec, preserve: ReadonlySet<string>): KubeObject {
  const name = cluster.metadata.name!;
  return {
    apiVersion: API_VERSION,
    kind: "Work",
    metadata: {
      name,
      namespace: WORK_NAMESPACE,
      // Cluster names may be 253 characters long, label values only 63.
      labels: { [CLUSTER_LABEL]: labelValue(name) },
      ...(preserve.size ? { annotations: { [PRESERVE_ANNOTATION]: [...preserve].sort().join(",") } } : {}),
      ownerReferences: [
        {
          apiVersion: API_VERSION,
          kind: "Cluster",
          name,
          uid: cluster.metadata.uid ?? "",
          blockOwnerDeletion: false,
        },
      ],
    },
    spec: rawSpec(spec),
  };
}

/** The stored Work with a new spec and preserve set (metadata otherwise as it was). */
export function updatedWork(current: KubeObject, spec: WorkSpec, preserve: ReadonlySet<string>): KubeObject {
  const annotations = { ...current.metadata.annotations };
  if (preserve.size) annotations[PRESERVE_ANNOTATION] = [...preserve].sort().join(",");
  else delete annotations[PRESERVE_ANNOTATION];
  return {
    ...current,
    metadata: { ...current.metadata, annotations },
    spec: rawSpec(spec),
  };
}
