// Where a workload keeps its pod spec (Deployment, StatefulSet, DaemonSet, ReplicaSet,
// ReplicationController and Job in spec.template, CronJob one level deeper, a Pod in its spec) and
// how many replicas a template asks for. Dependencies and capacity estimates read pods through
// here.
import type { KubeObject } from "../apis/meta/types.ts";

export interface Container {
  name?: string;
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  env?: {
    name?: string;
    valueFrom?: { configMapKeyRef?: { name?: string }; secretKeyRef?: { name?: string } };
  }[];
  envFrom?: { configMapRef?: { name?: string }; secretRef?: { name?: string } }[];
}

export interface Volume {
  name?: string;
  configMap?: { name?: string };
  secret?: { secretName?: string };
  projected?: { sources?: { configMap?: { name?: string }; secret?: { name?: string } }[] };
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Volume[];
  imagePullSecrets?: { name?: string }[];
  serviceAccountName?: string;
  /** Deprecated alias of serviceAccountName, still honoured by Kubernetes. */
  serviceAccount?: string;
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** group/kind → the path of the pod spec inside the object. */
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  "apps/Deployment": ["spec", "template", "spec"],
  "apps/StatefulSet": ["spec", "template", "spec"],
  "apps/DaemonSet": ["spec", "template", "spec"],
  "apps/ReplicaSet": ["spec", "template", "spec"],
  "/ReplicationController": ["spec", "template", "spec"],
  "batch/Job": ["spec", "template", "spec"],
  "batch/CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
  "/Pod": ["spec"],
};

/** Kinds whose spec.replicas defaults to 1 when absent. */
const DEFAULT_ONE_REPLICA = new Set([
  "apps/Deployment",
  "apps/StatefulSet",
  "apps/ReplicaSet",
  "/ReplicationController",
]);

export function isWorkload(obj: Pick<KubeObject, "apiVersion" | "kind">): boolean {
  return `${groupOf(obj.apiVersion)}/${obj.kind}` in POD_SPEC_PATHS;
}

export function podSpecOf(obj: KubeObject): PodSpec | undefined {
  const path = POD_SPEC_PATHS[`${groupOf(obj.apiVersion)}/${obj.kind}`];
  if (!path) return undefined;
  let v: unknown = obj;
  for (const p of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return typeof v === "object" && v !== null ? (v as PodSpec) : undefined;
}

/**
 * The replicas a template asks for: spec.replicas of workloads (1 when absent) and of any other
 * kind that has a whole number there (custom resources); undefined for everything else.
 */
export function templateReplicas(obj: KubeObject): number | undefined {
  const r = (obj.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof r === "number" && Number.isSafeInteger(r) && r >= 0) return r;
  return DEFAULT_ONE_REPLICA.has(`${groupOf(obj.apiVersion)}/${obj.kind}`) ? 1 : undefined;
}
