// MCP-NET-003 — cluster DNS (CoreDNS) is a single point of failure or not ready.
// Every Service lookup goes through CoreDNS: with one replica a node drain during an upgrade
// stops name resolution cluster-wide, and unready replicas show up as "no endpoints available"
// in CoreDNS logs and lookup timeouts in every application.
import type { KubeObject } from "../../../apis/meta/types.ts";
import type { Check, Finding } from "../../types.ts";
import { list, rec, ref } from "../objects.ts";

const MIN_REPLICAS = 2;

/** kubeadm names it coredns; other distributions keep the historical k8s-app=kube-dns label. */
function dnsDeployments(deployments: KubeObject[]): KubeObject[] {
  return deployments.filter(
    (d) =>
      d.metadata.namespace === "kube-system" &&
      (d.metadata.name === "coredns" || d.metadata.labels?.["k8s-app"] === "kube-dns"),
  );
}

function num(v: unknown): number {
  return typeof v === "number" ? v : 0;
}

export const coreDns: Check = {
  code: "MCP-NET-003",
  area: "network",
  title: "CoreDNS replicas < 2 or not ready",
  severity: "warning",
  reads: ["deployments"],
  description:
    "The cluster DNS Deployment (kube-system/coredns, label k8s-app=kube-dns) runs fewer than 2 replicas " +
    "(warning: one drain stops name resolution) or not all of its replicas are ready (error).",
  run(ctx) {
    const out: Finding[] = [];
    for (const d of dnsDeployments(list(ctx, "deployments"))) {
      const name = d.metadata.name ?? "coredns";
      // spec.replicas defaults to 1 when omitted.
      const want = rec(d.spec).replicas === undefined ? 1 : num(rec(d.spec).replicas);
      const ready = num(rec(d.status).readyReplicas);
      if (ready < want) {
        out.push({
          code: coreDns.code,
          severity: "error",
          object: ref(d),
          message: `Deployment kube-system/${name} (cluster DNS) has ${ready} of ${want} replicas ready; name lookups fail or time out.`,
          fix:
            `kubectl -n kube-system describe pods -l k8s-app=kube-dns; kubectl -n kube-system logs deploy/${name} ` +
            `(look for loop detection, upstream or RBAC errors), then kubectl -n kube-system rollout restart deployment ${name}`,
        });
      }
      if (want < MIN_REPLICAS) {
        out.push({
          code: coreDns.code,
          severity: "warning",
          object: ref(d),
          message: `Deployment kube-system/${name} (cluster DNS) runs ${want} replica(s); one node drain stops name resolution.`,
          fix: `kubectl -n kube-system scale deployment ${name} --replicas=${MIN_REPLICAS} (and give it a PodDisruptionBudget with minAvailable: 1)`,
        });
      }
    }
    return out;
  },
};
