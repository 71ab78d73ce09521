// The node filters of kube-scheduler's default profile, in its order (NodeUnschedulable,
// TaintToleration, NodeAffinity, NodeResourcesFit), with its failure reasons, so a pod that fits
// nowhere explains itself exactly as on a real cluster ("0/3 nodes are available: 3 Insufficient
// cpu."). Node readiness also lives here: the node lifecycle controller's not-ready/unreachable
// taints are implied for a node whose Ready condition is not True, even before anything writes
// them.
import type { KubeObject } from "../../apis/meta/types.ts";
import type { FaultState } from "../context.ts";
import { parseQuantity } from "../quantity.ts";
import { findCondition, labelsOf, specOf, statusOf } from "./objects.ts";
import type { Condition, PodSpec, SelectorRequirement, Taint, Toleration } from "./types.ts";

export const NOT_READY_TAINT = "node.kubernetes.io/not-ready";
export const UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";
export const UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable";

interface NodeSpec {
  unschedulable?: boolean;
  taints?: Taint[];
  podCIDR?: string;
}
interface NodeStatus {
  conditions?: Condition[];
  allocatable?: Record<string, unknown>;
  capacity?: Record<string, unknown>;
  addresses?: { type: string; address: string }[];
}
export const nodeSpec = (n: KubeObject) => specOf<NodeSpec>(n);
export const nodeStatus = (n: KubeObject) => statusOf<NodeStatus>(n);

/** The node's Ready status; a stopped kubelet (fault) reads Unknown even before heartbeats lapse. */
export function nodeReadiness(node: KubeObject, faults: FaultState): "True" | "False" | "Unknown" {
  const ready = findCondition(nodeStatus(node).conditions, "Ready")?.status;
  if (faults.nodesNotReady.has(node.metadata.name!)) return ready === "False" ? "False" : "Unknown";
  return ready ?? "True";
}

export const isNodeReady = (node: KubeObject, faults: FaultState) => nodeReadiness(node, faults) === "True";

/** Taints on the node, plus the NoSchedule taint its readiness implies. */
export function effectiveTaints(node: KubeObject, faults: FaultState): Taint[] {
  const taints = [...(nodeSpec(node).taints ?? [])];
  const readiness = nodeReadiness(node, faults);
  const implied = readiness === "False" ? NOT_READY_TAINT : readiness === "Unknown" ? UNREACHABLE_TAINT : "";
  if (implied && !taints.some((t) => t.key === implied)) taints.push({ key: implied, effect: "NoSchedule" });
  return taints;
}

/** v1.Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === "Exists") return true;
  return !!t.key && (t.value ?? "") === (taint.value ?? "");
}

/** The first taint with one of `effects` that no toleration tolerates. */
export function untoleratedTaint(
  tolerations: Toleration[] | undefined,
  taints: Taint[],
  effects: string[],
): Taint | undefined {
  return taints.find(
    (taint) => effects.includes(taint.effect) && !(tolerations ?? []).some((t) => tolerates(t, taint)),
  );
}

function requirementMatches(r: SelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      const a = Number.parseInt(value ?? "", 10);
      const b = Number.parseInt(values[0] ?? "", 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return r.operator === "Gt" ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** nodeSelector and requiredDuringSchedulingIgnoredDuringExecution node affinity. */
export function matchesNodeSelector(spec: PodSpec, node: KubeObject): boolean {
  const labels = labelsOf(node);
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms =
    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return true;
  const fields: Record<string, string> = { "metadata.name": node.metadata.name! };
  return terms.some(
    (t) =>
      (t.matchExpressions?.length ?? 0) + (t.matchFields?.length ?? 0) > 0 &&
      (t.matchExpressions ?? []).every((r) => requirementMatches(r, labels[r.key])) &&
      (t.matchFields ?? []).every((r) => requirementMatches(r, fields[r.key])),
  );
}

export type Resources = Record<string, number>;

function containerRequests(c: {
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}) {
  const out: Resources = {};
  // Requests default to limits (kube-apiserver's defaulting), so read both.
  for (const [k, v] of Object.entries({ ...c.resources?.limits, ...c.resources?.requests })) {
    const q = parseQuantity(v);
    if (q !== undefined) out[k] = q;
  }
  return out;
}

/** What the pod asks of a node: the sum over containers, at least any one init container. */
export function podRequests(spec: PodSpec): Resources {
  const total: Resources = {};
  for (const c of spec.containers ?? [])
    for (const [k, v] of Object.entries(containerRequests(c))) total[k] = (total[k] ?? 0) + v;
  for (const c of spec.initContainers ?? [])
    for (const [k, v] of Object.entries(containerRequests(c))) total[k] = Math.max(total[k] ?? 0, v);
  return total;
}

/** status.allocatable (or capacity); what a node does not declare is unlimited, except pods. */
export function allocatable(node: KubeObject): Resources {
  const st = nodeStatus(node);
  const out: Resources = { pods: 110 };
  for (const [k, v] of Object.entries(st.allocatable ?? st.capacity ?? {})) {
    const q = parseQuantity(v);
    if (q !== undefined) out[k] = q;
  }
  return out;
}

/** Why the pod cannot run on the node (empty: it can), as the scheduler's plugins say it. */
export function filterNode(
  spec: PodSpec,
  node: KubeObject,
  faults: FaultState,
  used: Resources,
  requests: Resources,
): string[] {
  const unschedulable: Taint = { key: UNSCHEDULABLE_TAINT, effect: "NoSchedule" };
  if (nodeSpec(node).unschedulable && !(spec.tolerations ?? []).some((t) => tolerates(t, unschedulable)))
    return ["node(s) were unschedulable"];
  const taint = untoleratedTaint(spec.tolerations, effectiveTaints(node, faults), [
    "NoSchedule",
    "NoExecute",
  ]);
  if (taint) return [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`];
  if (!matchesNodeSelector(spec, node)) return ["node(s) didn't match Pod's node affinity/selector"];
  const free = allocatable(node);
  const reasons: string[] = [];
  if ((used.pods ?? 0) + 1 > free.pods) reasons.push("Too many pods");
  for (const [k, v] of Object.entries(requests)) {
    if (v <= 0 || k === "pods" || free[k] === undefined) continue;
    if ((used[k] ?? 0) + v > free[k]) reasons.push(`Insufficient ${k}`);
  }
  return reasons;
}

/** The PodScheduled=False message: reasons counted over nodes, sorted as Kubernetes sorts them. */
export function unschedulableMessage(nodeCount: number, reasons: Map<string, number>): string {
  if (nodeCount === 0) return "no nodes available to schedule pods";
  const parts = [...reasons.entries()].map(([reason, n]) => `${n} ${reason}`).sort();
  return `0/${nodeCount} nodes are available: ${parts.join(", ")}.`;
}
