// MCP-NET-007 — a namespace without any NetworkPolicy.
// Without a policy every pod accepts traffic from every other pod in the cluster, so one
// compromised workload reaches all others. Informational: many clusters choose this knowingly,
// but a platform team wants to see where default-deny is missing.
import type { Check, Finding } from "../../types.ts";
import { list, ref } from "../objects.ts";

/** Namespaces the control plane owns; their traffic is the platform's, not a tenant's. */
export const EXEMPT_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease"]);

export const namespaceNoPolicy: Check = {
  code: "MCP-NET-007",
  area: "network",
  title: "Namespace without NetworkPolicy",
  severity: "info",
  reads: ["namespaces", "networkpolicies"],
  description:
    "A namespace (other than kube-system, kube-public and kube-node-lease) with no NetworkPolicy: all its pods " +
    "accept traffic from anywhere in the cluster. Add a default-deny policy and allow what is needed.",
  run(ctx) {
    const covered = new Set(list(ctx, "networkpolicies").map((np) => np.metadata.namespace));
    const out: Finding[] = [];
    for (const ns of list(ctx, "namespaces")) {
      const name = ns.metadata.name ?? "";
      if (EXEMPT_NAMESPACES.has(name) || covered.has(name)) continue;
      // A namespace being deleted will not need a policy.
      if (ns.metadata.deletionTimestamp) continue;
      out.push({
        code: namespaceNoPolicy.code,
        severity: namespaceNoPolicy.severity,
        object: ref(ns),
        message: `Namespace ${name} has no NetworkPolicy, so its pods accept traffic from every pod in the cluster.`,
        fix:
          `Add a default-deny ingress policy, then allow what is needed: kubectl -n ${name} apply -f - <<'EOF'\n` +
          "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny-ingress}\n" +
          "spec: {podSelector: {}, policyTypes: [Ingress]}\nEOF",
      });
    }
    return out;
  },
};
