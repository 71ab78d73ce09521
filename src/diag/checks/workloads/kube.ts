// Typed reads (beside ../objects.ts, which this builds on) of the object shapes the version, node and workload checks look at (pods, their
// templates, nodes, conditions). Snapshot objects are untyped KubeObjects; reading them through
// these helpers keeps every check free of casts and tolerant of absent fields.
import type { Condition, KubeObject } from "../../../apis/meta/types.ts";
import type { CheckContext, SnapshotKey } from "../../types.ts";
import { list } from "../objects.ts";

export interface Probe {
  exec?: unknown;
  httpGet?: unknown;
  tcpSocket?: unknown;
  grpc?: unknown;
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
}

export interface Container {
  name: string;
  image?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
}

export interface Toleration {
  key?: string;
  operator?: "Exists" | "Equal";
  value?: string;
  effect?: string;
}

export interface PodSpec {
  nodeName?: string;
  containers?: Container[];
  initContainers?: Container[];
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
}

/** Namespaces whose workloads the cluster's installer owns: checks that would only be noise there skip them. */
export const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease"]);

export function isSystem(obj: KubeObject): boolean {
  return SYSTEM_NAMESPACES.has(obj.metadata.namespace ?? "");
}

/** "Deployment shop/web" or "Node worker-1", for messages. */
export function describe(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ""}${obj.metadata.name ?? ""}`;
}

/** `-n ns ` for kubectl commands, empty for cluster-scoped objects. */
export function nsFlag(obj: KubeObject): string {
  return obj.metadata.namespace ? `-n ${obj.metadata.namespace} ` : "";
}

export function specOf<T>(obj: KubeObject): Partial<T> {
  return (obj.spec ?? {}) as Partial<T>;
}

export function statusOf<T>(obj: KubeObject): Partial<T> {
  return (obj.status ?? {}) as Partial<T>;
}

export function conditionOf(obj: KubeObject, type: string): Condition | undefined {
  return statusOf<{ conditions: Condition[] }>(obj).conditions?.find((c) => c.type === type);
}

/** The pod spec of a Pod, or of a workload's template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job). */
export function podSpecOf(obj: KubeObject): PodSpec {
  if (obj.kind === "Pod") return specOf<PodSpec>(obj) as PodSpec;
  return specOf<{ template: { spec: PodSpec } }>(obj).template?.spec ?? {};
}

export function appContainers(obj: KubeObject): Container[] {
  return podSpecOf(obj).containers ?? [];
}

/** A Pod's controller (ownerReference with controller: true), by kind. */
export function controllerKind(pod: KubeObject): string | undefined {
  return pod.metadata.ownerReferences?.find((o) => o.controller)?.kind;
}

/** Deployments, StatefulSets and DaemonSets: the long-running workloads the workload checks judge. */
export function workloadsOf(
  ctx: CheckContext,
  keys: SnapshotKey[] = ["deployments", "statefulsets", "daemonsets"],
) {
  return keys.flatMap((k) => list(ctx, k));
}

export function replicasOf(obj: KubeObject): number {
  return specOf<{ replicas: number }>(obj).replicas ?? 1;
}
