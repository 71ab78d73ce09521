// Shared by the security checks: which pods are judged (not the platform's own namespaces, not
// finished pods) and which workload owns a pod, so one bad Deployment with 30 replicas is one
// finding whose fix edits the template, not 30 findings about pods that will be replaced.
import type { KubeObject } from "../../../apis/meta/types.ts";
import type { CheckContext, ObjectRef } from "../../types.ts";
import { find, isLivePod, list, rec } from "../objects.ts";

/**
 * Namespaces whose pods need host access by design: the control plane, kube-proxy and the CNI
 * (Calico's operator installs, flannel). Flagging them would only teach users to ignore findings.
 */
export const SYSTEM_NAMESPACES = new Set([
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "calico-system",
  "tigera-operator",
  "kube-flannel",
]);

export function judgedPods(ctx: CheckContext): KubeObject[] {
  return list(ctx, "pods").filter((p) => isLivePod(p) && !SYSTEM_NAMESPACES.has(p.metadata.namespace ?? ""));
}

function controllerOf(obj: KubeObject): ObjectRef | undefined {
  const owner = obj.metadata.ownerReferences?.find((o) => o.controller) ?? obj.metadata.ownerReferences?.[0];
  if (!owner) return undefined;
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    namespace: obj.metadata.namespace,
    name: owner.name,
  };
}

/** The top-level workload of a pod (Deployment over ReplicaSet, CronJob over Job), else the pod. */
export function workloadOf(ctx: CheckContext, pod: KubeObject): ObjectRef {
  const self: ObjectRef = {
    apiVersion: pod.apiVersion,
    kind: pod.kind,
    namespace: pod.metadata.namespace,
    name: pod.metadata.name ?? "",
  };
  let ref = controllerOf(pod) ?? self;
  // Checks using this declare replicasets and jobs in reads, or the scan would not list them.
  for (const [kind, key] of [
    ["ReplicaSet", "replicasets"],
    ["Job", "jobs"],
  ] as const) {
    if (ref.kind !== kind) continue;
    const mid = find(list(ctx, key), ref.namespace, ref.name);
    const top = mid && controllerOf(mid);
    if (top) ref = top;
  }
  return ref;
}

export function refKey(r: ObjectRef): string {
  return `${r.kind}/${r.namespace ?? ""}/${r.name}`;
}

/** "kubectl -n ns edit deployment web", the command that reaches the pod template. */
export function editCommand(r: ObjectRef): string {
  return `kubectl -n ${r.namespace ?? "default"} edit ${r.kind.toLowerCase()} ${r.name}`;
}

export function podSpecOf(pod: KubeObject): Record<string, unknown> {
  return rec(pod.spec);
}
