// MCP-WL-004 — single-replica Deployments and StatefulSets.
// One replica means every node drain, upgrade or eviction is an outage for that workload, and a
// PodDisruptionBudget cannot protect it without blocking the drain entirely.
import type { Check, Finding } from "../../types.ts";
import { nameOf, ref } from "../objects.ts";
import { isSystem, replicasOf, workloadsOf } from "./kube.ts";

export const singleReplica: Check = {
  code: "MCP-WL-004",
  area: "workloads",
  title: "Single replica",
  severity: "warning",
  reads: ["deployments", "statefulsets"],
  description:
    "Reports Deployments and StatefulSets with spec.replicas 1: each drain or upgrade of its node is downtime. " +
    "Workloads scaled to 0 are left alone (deliberately off), and kube-system, kube-public and kube-node-lease " +
    "are skipped (distribution-owned, often singletons by design).",
  run(ctx) {
    const out: Finding[] = [];
    for (const w of workloadsOf(ctx, ["deployments", "statefulsets"])) {
      if (isSystem(w) || replicasOf(w) !== 1) continue;
      out.push({
        code: singleReplica.code,
        severity: "warning",
        object: ref(w),
        message: `${w.kind} ${nameOf(w)} runs a single replica: draining or upgrading its node takes it down.`,
        fix: `kubectl -n ${w.metadata.namespace} scale ${w.kind.toLowerCase()}/${w.metadata.name} --replicas=2 (then add a PodDisruptionBudget with maxUnavailable: 1).`,
      });
    }
    return out;
  },
};
