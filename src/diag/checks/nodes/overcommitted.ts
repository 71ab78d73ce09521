// MCP-NODE-005 — Node CPU or memory requests over 80% of allocatable.
// The scheduler places pods by requests, so a node whose pods request more than 80% of what it can
// allocate has no room to absorb the pods a drain moves onto it; during a rolling node upgrade the
// evicted pods stay Pending. This is the seed's rollout pre-check ("node CPU < 80%") done from
// requests, which the snapshot holds without needing metrics-server.
import { parseQuantity, quantityValue } from "../../../agent/status/quantity.ts";
import type { KubeObject } from "../../../apis/meta/types.ts";
import type { Check, Finding } from "../../types.ts";
import { isLivePod, list, nameOf, rec, ref } from "../objects.ts";
import { type Container, podSpecOf } from "../workloads/kube.ts";

export const REQUEST_THRESHOLD = 0.8;
const RESOURCES = ["cpu", "memory"] as const;

export const nodeOvercommitted: Check = {
  code: "MCP-NODE-005",
  area: "nodes",
  title: "Node requests over 80% of allocatable",
  severity: "warning",
  reads: ["nodes", "pods"],
  description:
    "Sums the CPU and memory requests of the live pods scheduled on each node (as the scheduler does: the " +
    "larger of the containers' sum and any init container) and reports nodes above 80% of allocatable, " +
    "where drained pods would not fit during an upgrade.",
  run(ctx) {
    const byNode = new Map<string, KubeObject[]>();
    for (const pod of list(ctx, "pods")) {
      const node = podSpecOf(pod).nodeName;
      if (node && isLivePod(pod)) byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    const out: Finding[] = [];
    for (const node of list(ctx, "nodes")) {
      const allocatable = rec(rec(node.status).allocatable);
      const pods = byNode.get(node.metadata.name ?? "") ?? [];
      const over: string[] = [];
      for (const r of RESOURCES) {
        const q = parseQuantity(allocatable[r] as string | undefined);
        const total = q ? quantityValue(q) : 0;
        if (total <= 0) continue;
        const requested = pods.reduce((sum, p) => sum + podRequest(p, r), 0);
        if (requested / total > REQUEST_THRESHOLD)
          over.push(
            `${r} ${Math.round((requested / total) * 100)}% (${fmt(r, requested)} of ${fmt(r, total)})`,
          );
      }
      if (over.length === 0) continue;
      out.push({
        code: nodeOvercommitted.code,
        severity: "warning",
        object: ref(node),
        message: `Node ${nameOf(node)} has requests over 80% of allocatable: ${over.join(", ")}.`,
        fix:
          `kubectl describe node ${node.metadata.name} (Allocated resources); add nodes or right-size requests ` +
          `of its largest pods (kubectl set resources deployment/<name> -n <ns> --requests=cpu=...,memory=...).`,
      });
    }
    return out;
  },
};

/** The pod's effective request: max(sum of containers, largest init container). */
function podRequest(pod: KubeObject, resource: string): number {
  const spec = podSpecOf(pod);
  const of = (c: Container) => {
    const q = parseQuantity(c.resources?.requests?.[resource]);
    return q ? quantityValue(q) : 0;
  };
  const main = (spec.containers ?? []).reduce((s, c) => s + of(c), 0);
  const init = Math.max(0, ...(spec.initContainers ?? []).map(of));
  return Math.max(main, init);
}

function fmt(resource: string, v: number): string {
  return resource === "cpu" ? `${Math.round(v * 1000)}m` : `${Math.round(v / 2 ** 20)}Mi`;
}
