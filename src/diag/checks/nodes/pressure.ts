// MCP-NODE-002 — Node under memory, disk or PID pressure.
// Under pressure the kubelet evicts pods and taints the node so nothing new lands there; during an
// upgrade the drained pods then have nowhere to go, and image pulls on a DiskPressure node fail.
import type { Check, Finding } from "../../types.ts";
import { list, nameOf, ref } from "../objects.ts";
import { conditionOf } from "../workloads/kube.ts";

const PRESSURES = ["MemoryPressure", "DiskPressure", "PIDPressure"] as const;

const REMEDY: Record<(typeof PRESSURES)[number], string> = {
  MemoryPressure: "find the largest consumers (kubectl top pods -A --sort-by=memory) and set memory limits",
  DiskPressure:
    "free disk on the node (crictl rmi --prune; rotate logs under /var/log/pods) or grow the disk",
  PIDPressure: "find the pod forking processes (ps -eLf on the node) and set the kubelet's podPidsLimit",
};

export const nodePressure: Check = {
  code: "MCP-NODE-002",
  area: "nodes",
  title: "Node under resource pressure",
  severity: "error",
  reads: ["nodes"],
  description:
    "Reports nodes whose MemoryPressure, DiskPressure or PIDPressure condition is True: the kubelet is " +
    "evicting pods there and the scheduler avoids the node. One finding per node names every pressure.",
  run(ctx) {
    const out: Finding[] = [];
    for (const node of list(ctx, "nodes")) {
      const under = PRESSURES.filter((p) => conditionOf(node, p)?.status === "True");
      if (under.length === 0) continue;
      out.push({
        code: nodePressure.code,
        severity: "error",
        object: ref(node),
        message: `Node ${nameOf(node)} reports ${under.join(", ")}: the kubelet is evicting pods and new pods avoid it.`,
        fix: `kubectl describe node ${node.metadata.name} (Events show what was evicted); ${under.map((p) => REMEDY[p]).join("; ")}.`,
      });
    }
    return out;
  },
};
