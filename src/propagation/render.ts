// A template at the hub → the manifest a member gets (docs/propagation.md, "Work builder"):
// server-set metadata and status stripped (the member sets its own), fields some other apiserver
// or controller set for its own cluster dropped (src/propagation/prune.ts: a Service's clusterIP,
// a Job's generated selector, a Namespace's name label, ...), the cluster's share of replicas set
// for Divided scheduling, and MCP's label and annotations added last, after overrides, so no
// override can remove them. Also: how two renderings are compared (revision assignment) and the
// Work's content hash.
import { createHash } from "node:crypto";
import type { KubeObject } from "../apis/meta/types.ts";
import { isObject } from "../apis/meta/types.ts";
import { jsonEqual } from "../apiserver/patch/json-value.ts";
import {
  BINDING_ANNOTATION,
  CONFLICT_ANNOTATION,
  IMMUTABLE_ANNOTATION,
  MANAGED_LABEL,
  RETAIN_ANNOTATION,
  REVISION_ANNOTATION,
} from "./identity.ts";
import { pruneForMember } from "./prune.ts";

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
const MCP_ANNOTATIONS = [
  BINDING_ANNOTATION,
  REVISION_ANNOTATION,
  CONFLICT_ANNOTATION,
  RETAIN_ANNOTATION,
  IMMUTABLE_ANNOTATION,
];

/** Kinds whose spec.replicas is the workload's size (set per cluster for Divided, even when absent). */
const REPLICATED = new Set([
  "apps/Deployment",
  "apps/StatefulSet",
  "apps/ReplicaSet",
  "/ReplicationController",
]);

const groupKind = (o: { apiVersion: string; kind: string }) =>
  `${o.apiVersion.includes("/") ? o.apiVersion.slice(0, o.apiVersion.indexOf("/")) : ""}/${o.kind}`;

/** Whether the kind's spec.replicas is divided among clusters. */
export function hasReplicas(o: { apiVersion: string; kind: string }): boolean {
  return REPLICATED.has(groupKind(o));
}

/**
 * The template as a member manifest, before overrides: only name, namespace, labels and
 * annotations of its metadata, no status; `replicas` (a Divided share) replaces spec.replicas.
 */
export function renderTemplate(template: KubeObject, replicas?: number): KubeObject {
  const src = structuredClone(template);
  const meta = src.metadata;
  const labels = { ...meta.labels };
  delete labels[MANAGED_LABEL];
  const annotations = { ...meta.annotations };
  for (const a of [LAST_APPLIED, ...MCP_ANNOTATIONS]) delete annotations[a];
  const { metadata: _m, status: _s, ...rest } = src;
  const out: KubeObject = {
    ...rest,
    apiVersion: src.apiVersion,
    kind: src.kind,
    metadata: {
      name: meta.name,
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
  };
  pruneForMember(out);
  const spec = isObject(out.spec) ? out.spec : undefined;
  // Custom resources with a whole-number spec.replicas are divided too (src/propagation/pod-spec.ts).
  if (replicas !== undefined && spec && (hasReplicas(out) || typeof spec.replicas === "number"))
    spec.replicas = replicas;
  return out;
}

export interface Marks {
  /** "<namespace>/<name>" of the ResourceBinding. */
  binding: string;
  conflictResolution?: "Abort" | "Overwrite";
  retainFields?: string[];
  immutableFieldChange?: "Fail" | "Recreate";
}

/** Adds MCP's label and annotations (in place; returns the manifest). */
export function markManifest(m: KubeObject, marks: Marks): KubeObject {
  m.metadata.labels = { ...m.metadata.labels, [MANAGED_LABEL]: "true" };
  const annotations: Record<string, string> = {
    ...m.metadata.annotations,
    [BINDING_ANNOTATION]: marks.binding,
  };
  if (marks.conflictResolution) annotations[CONFLICT_ANNOTATION] = marks.conflictResolution;
  else delete annotations[CONFLICT_ANNOTATION];
  if (marks.retainFields?.length) annotations[RETAIN_ANNOTATION] = marks.retainFields.join(",");
  else delete annotations[RETAIN_ANNOTATION];
  if (marks.immutableFieldChange === "Recreate") annotations[IMMUTABLE_ANNOTATION] = "Recreate";
  else delete annotations[IMMUTABLE_ANNOTATION];
  delete annotations[REVISION_ANNOTATION];
  m.metadata.annotations = annotations;
  return m;
}

/** A copy stamped with the Work revision it changed at. */
export function withRevision(m: KubeObject, revision: number): KubeObject {
  return {
    ...m,
    metadata: {
      ...m.metadata,
      annotations: { ...m.metadata.annotations, [REVISION_ANNOTATION]: String(revision) },
    },
  };
}

/** JSON with object keys sorted: equal content gives equal text whatever the key order. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, value) =>
    isObject(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, value[k]]),
        )
      : value,
  );
}

/** The manifest's content without its revision stamp, canonical. */
export function manifestContent(m: KubeObject): string {
  const annotations = { ...m.metadata.annotations };
  delete annotations[REVISION_ANNOTATION];
  return canonicalJson({
    ...m,
    metadata: { ...m.metadata, annotations: Object.keys(annotations).length ? annotations : undefined },
  });
}

/** Annotations without the revision stamp; none left is no annotations. */
function unstamped(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const rest = { ...annotations };
  delete rest[REVISION_ANNOTATION];
  return Object.keys(rest).length ? rest : undefined;
}

/**
 * Whether two renderings differ in anything but their revision stamp: manifestContent equality,
 * compared structurally (the work builder asks this for every manifest of every Work it builds).
 */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  const { metadata: ma, ...ra } = a;
  const { metadata: mb, ...rb } = b;
  const { annotations: aa, ...restA } = ma;
  const { annotations: ab, ...restB } = mb;
  return jsonEqual(restA, restB) && jsonEqual(unstamped(aa), unstamped(ab)) && jsonEqual(ra, rb);
}

/** sha256 (hex) of the manifests, canonical, in the order given. */
export function contentHash(manifests: readonly KubeObject[]): string {
  return createHash("sha256").update(canonicalJson(manifests)).digest("hex");
}
