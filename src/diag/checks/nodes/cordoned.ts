// MCP-NODE-003 — Node cordoned.
// A cordon (spec.unschedulable) is meant to be brief: one left behind by an interrupted drain or
// upgrade silently shrinks the cluster's capacity, and the next rollout finds too little room.
import type { Check, Finding } from "../../types.ts";
import { list, nameOf, rec, ref } from "../objects.ts";

export const nodeCordoned: Check = {
  code: "MCP-NODE-003",
  area: "nodes",
  title: "Node cordoned",
  severity: "warning",
  reads: ["nodes"],
  description:
    "Reports nodes with spec.unschedulable set (kubectl cordon / drain): no new pods are scheduled there. " +
    "Expected during maintenance, a capacity loss when forgotten.",
  run(ctx) {
    const out: Finding[] = [];
    for (const node of list(ctx, "nodes")) {
      if (rec(node.spec).unschedulable !== true) continue;
      out.push({
        code: nodeCordoned.code,
        severity: "warning",
        object: ref(node),
        message: `Node ${nameOf(node)} is cordoned (spec.unschedulable): no new pods are scheduled on it.`,
        fix: `If its maintenance is over: kubectl uncordon ${node.metadata.name}.`,
      });
    }
    return out;
  },
};
