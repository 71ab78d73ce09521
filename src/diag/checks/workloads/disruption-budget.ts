// MCP-WL-005 — multi-replica workload without a PodDisruptionBudget, or a PDB that blocks every eviction.
// A drain with no PDB may evict all replicas at once; a PDB with maxUnavailable 0 (or minAvailable
// equal to the replicas) makes `kubectl drain` retry forever, which is the classic node upgrade
// that hangs at the first node.
import type { KubeObject } from "../../../apis/meta/types.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { type LabelSelector, list, nameOf, ref, selectorMatches } from "../objects.ts";
import { isSystem, replicasOf, specOf, workloadsOf } from "./kube.ts";

interface PdbSpec {
  selector: LabelSelector;
  minAvailable: number | string;
  maxUnavailable: number | string;
}

export const disruptionBudget: Check = {
  code: "MCP-WL-005",
  area: "workloads",
  title: "Missing or blocking PodDisruptionBudget",
  severity: "warning",
  reads: ["deployments", "statefulsets", "poddisruptionbudgets"],
  description:
    "Reports Deployments and StatefulSets with more than one replica that no PodDisruptionBudget selects, and " +
    "PodDisruptionBudgets that allow no eviction (maxUnavailable 0 or 0%, minAvailable 100% or at least the " +
    "replicas of the workload they select), which block node drains. kube-system, kube-public and " +
    "kube-node-lease are skipped (distribution-owned).",
  run(ctx) {
    const pdbs = list(ctx, "poddisruptionbudgets").filter((p) => !isSystem(p));
    const workloads = workloadsOf(ctx, ["deployments", "statefulsets"]).filter((w) => !isSystem(w));
    const out: Finding[] = [];
    for (const w of workloads) {
      if (replicasOf(w) < 2 || pdbs.some((p) => selects(p, w))) continue;
      out.push({
        code: disruptionBudget.code,
        severity: "warning",
        object: ref(w),
        message: `${w.kind} ${nameOf(w)} has ${replicasOf(w)} replicas and no PodDisruptionBudget: a drain may evict them all at once.`,
        fix: `kubectl -n ${w.metadata.namespace} create poddisruptionbudget ${w.metadata.name} --selector=${selectorText(w)} --max-unavailable=1`,
      });
    }
    for (const pdb of pdbs) out.push(...blocking(ctx, pdb, workloads));
    return out;
  },
};

function templateLabels(w: KubeObject): Record<string, string> {
  return (
    specOf<{ template: { metadata: { labels: Record<string, string> } } }>(w).template?.metadata?.labels ?? {}
  );
}

function selects(pdb: KubeObject, w: KubeObject): boolean {
  const selector = specOf<PdbSpec>(pdb).selector;
  // A PDB with no selector selects no pods (policy/v1); an empty one selects every pod in the namespace.
  return (
    pdb.metadata.namespace === w.metadata.namespace &&
    !!selector &&
    selectorMatches(selector, templateLabels(w))
  );
}

function selectorText(w: KubeObject): string {
  return Object.entries(templateLabels(w))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

function blocking(_ctx: CheckContext, pdb: KubeObject, workloads: KubeObject[]): Finding[] {
  const spec = specOf<PdbSpec>(pdb);
  const selected = workloads.filter((w) => selects(pdb, w));
  const replicas = selected.reduce((s, w) => s + replicasOf(w), 0);
  let why: string | undefined;
  if (spec.maxUnavailable === 0 || spec.maxUnavailable === "0%")
    why = `maxUnavailable is ${spec.maxUnavailable}`;
  else if (spec.minAvailable === "100%") why = "minAvailable is 100%";
  else if (typeof spec.minAvailable === "number" && selected.length > 0 && spec.minAvailable >= replicas)
    why = `minAvailable ${spec.minAvailable} >= the ${replicas} replica(s) of ${selected.map(nameOf).join(", ")}`;
  if (!why) return [];
  const ns = pdb.metadata.namespace;
  return [
    {
      code: disruptionBudget.code,
      severity: "error",
      object: ref(pdb),
      message: `PodDisruptionBudget ${nameOf(pdb)} allows no evictions (${why}): node drains and upgrades will hang on its pods.`,
      fix: `kubectl -n ${ns} patch pdb ${pdb.metadata.name} --type=merge -p '{"spec":{"minAvailable":null,"maxUnavailable":1}}'`,
    },
  ];
}
