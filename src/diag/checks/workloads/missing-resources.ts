// MCP-WL-003 — containers without resource requests or limits.
// Without requests the scheduler packs pods blind (nodes overcommit, and drained pods land where
// they do not fit); without a memory limit one leak takes the node into MemoryPressure and the
// kubelet evicts its neighbours. CPU limits are deliberately not required: they throttle.
import type { Check, Finding } from "../../types.ts";
import { nameOf, ref } from "../objects.ts";
import { appContainers, isSystem, workloadsOf } from "./kube.ts";

export const missingResources: Check = {
  code: "MCP-WL-003",
  area: "workloads",
  title: "Container without requests or memory limit",
  severity: "warning",
  reads: ["deployments", "statefulsets", "daemonsets"],
  description:
    "Reports Deployments, StatefulSets and DaemonSets whose containers lack a cpu or memory request or a memory " +
    "limit (CPU limits are not required: they throttle). kube-system, kube-public and kube-node-lease are " +
    "skipped (distribution-owned).",
  run(ctx) {
    const out: Finding[] = [];
    for (const w of workloadsOf(ctx)) {
      if (isSystem(w)) continue;
      const gaps = appContainers(w).flatMap((c) => {
        const r = c.resources ?? {};
        const missing = [
          r.requests?.cpu ? "" : "cpu request",
          r.requests?.memory ? "" : "memory request",
          r.limits?.memory ? "" : "memory limit",
        ].filter(Boolean);
        return missing.length ? [`${c.name} (no ${missing.join(", ")})`] : [];
      });
      if (gaps.length === 0) continue;
      out.push({
        code: missingResources.code,
        severity: "warning",
        object: ref(w),
        message: `${w.kind} ${nameOf(w)} has containers without requests/limits: ${gaps.join(", ")}.`,
        fix:
          `kubectl -n ${w.metadata.namespace} set resources ${w.kind.toLowerCase()}/${w.metadata.name} ` +
          "--requests=cpu=100m,memory=128Mi --limits=memory=256Mi (size them from kubectl top pods).",
      });
    }
    return out;
  },
};
