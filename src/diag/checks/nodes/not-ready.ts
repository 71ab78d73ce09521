// MCP-NODE-001 — Node NotReady or Unknown.
// A NotReady node runs no new pods and, after the eviction timeout, loses the ones it has; Unknown
// means the kubelet stopped reporting at all (node down, network split). Draining or upgrading
// around such nodes fails, and workloads that pinned themselves there are down.
import type { Check, Finding } from "../../types.ts";
import { list, nameOf, ref } from "../objects.ts";
import { conditionOf } from "../workloads/kube.ts";

export const nodeNotReady: Check = {
  code: "MCP-NODE-001",
  area: "nodes",
  title: "Node NotReady or Unknown",
  severity: "error",
  reads: ["nodes"],
  description:
    "Reports nodes whose Ready condition is False (the kubelet reports a problem) or Unknown (the kubelet " +
    "stopped posting status). Nodes without a Ready condition yet (just registering) are not judged.",
  run(ctx) {
    const out: Finding[] = [];
    for (const node of list(ctx, "nodes")) {
      const ready = conditionOf(node, "Ready");
      if (!ready || ready.status === "True") continue;
      const name = node.metadata.name ?? "";
      const why = ready.reason ? ` (${ready.reason}${ready.message ? `: ${ready.message}` : ""})` : "";
      out.push({
        code: nodeNotReady.code,
        severity: "error",
        object: ref(node),
        message:
          ready.status === "Unknown"
            ? `Node ${nameOf(node)} is Unknown: its kubelet stopped reporting${why}.`
            : `Node ${nameOf(node)} is NotReady${why}.`,
        fix:
          `kubectl describe node ${name} (conditions and events), then on the node: systemctl status kubelet ` +
          `containerd; journalctl -u kubelet -n 200. If it cannot recover: kubectl drain ${name} ` +
          `--ignore-daemonsets --delete-emptydir-data and replace it.`,
      });
    }
    return out;
  },
};
