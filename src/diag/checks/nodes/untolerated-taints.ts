// MCP-NODE-004 — Node taints that no pod tolerates.
// A NoSchedule/NoExecute taint nothing tolerates turns the node into dead capacity: a taint left by
// an operator (or a dedicated pool whose workloads were removed) that no DaemonSet, workload or pod
// in the cluster tolerates. Taints Kubernetes and kubeadm manage themselves (control-plane,
// node.kubernetes.io/* condition taints, the cloud provider's uninitialized) are excluded, and so are
// tolerate-everything tolerations (empty key, operator Exists) that system DaemonSets carry, since
// they would otherwise hide every taint.
import type { KubeObject } from "../../../apis/meta/types.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { list, nameOf, ref } from "../objects.ts";
import { podSpecOf, specOf, type Toleration, workloadsOf } from "../workloads/kube.ts";

interface Taint {
  key: string;
  value?: string;
  effect: string;
}

const MANAGED_TAINT_PREFIXES = [
  "node-role.kubernetes.io/",
  "node.kubernetes.io/",
  "node.cloudprovider.kubernetes.io/",
];

export const untoleratedTaints: Check = {
  code: "MCP-NODE-004",
  area: "nodes",
  title: "Node taint no pod tolerates",
  severity: "warning",
  reads: ["nodes", "pods", "deployments", "statefulsets", "daemonsets"],
  description:
    "Reports NoSchedule and NoExecute taints that no pod, Deployment, StatefulSet or DaemonSet tolerates, so " +
    "the node runs nothing new. Excludes taints Kubernetes manages (node-role.kubernetes.io/control-plane and " +
    "master, node.kubernetes.io/*, node.cloudprovider.kubernetes.io/*) and ignores tolerate-everything " +
    "tolerations, which system DaemonSets such as kube-proxy carry.",
  run(ctx) {
    const tolerations = allTolerations(ctx);
    const out: Finding[] = [];
    for (const node of list(ctx, "nodes")) {
      const taints = (specOf<{ taints: Taint[] }>(node).taints ?? []).filter(
        (t) =>
          (t.effect === "NoSchedule" || t.effect === "NoExecute") &&
          !MANAGED_TAINT_PREFIXES.some((p) => t.key.startsWith(p)),
      );
      const lonely = taints.filter((t) => !tolerations.some((tol) => tolerates(tol, t)));
      if (lonely.length === 0) continue;
      const shown = lonely.map(taintString);
      const name = node.metadata.name ?? "";
      out.push({
        code: untoleratedTaints.code,
        severity: "warning",
        object: ref(node),
        message: `Node ${nameOf(node)} has taint(s) ${shown.join(", ")} that no pod or workload tolerates: nothing new can run there.`,
        fix:
          `Remove the taint if it is stale: ${lonely.map((t) => `kubectl taint nodes ${name} ${t.key}:${t.effect}-`).join("; ")}. ` +
          `Or add the matching toleration to the workloads meant for it, e.g. tolerations: [{key: "${lonely[0].key}", operator: "Exists", effect: "${lonely[0].effect}"}].`,
      });
    }
    return out;
  },
};

function allTolerations(ctx: CheckContext): Toleration[] {
  const owners: KubeObject[] = [...list(ctx, "pods"), ...workloadsOf(ctx)];
  return owners.flatMap((o) => podSpecOf(o).tolerations ?? []).filter((t) => (t.key ?? "") !== "");
}

/** corev1 Toleration.ToleratesTaint. */
export function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if ((tol.key ?? "") !== "" && tol.key !== taint.key) return false;
  if (tol.operator === "Exists") return true;
  return (tol.value ?? "") === (taint.value ?? "");
}

function taintString(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;
}
