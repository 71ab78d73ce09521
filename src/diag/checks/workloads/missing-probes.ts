// MCP-WL-001 — containers without liveness or readiness probes.
// Without readiness, a rolling update sends traffic to pods that are not serving yet and counts
// them available, so a bad version rolls through the whole Deployment; without liveness, a hung
// process is never restarted. Both are what make rollouts and node drains safe.
import type { Check, Finding } from "../../types.ts";
import { nameOf, ref } from "../objects.ts";
import { appContainers, isSystem, workloadsOf } from "./kube.ts";

export const missingProbes: Check = {
  code: "MCP-WL-001",
  area: "workloads",
  title: "Container without liveness or readiness probe",
  severity: "warning",
  reads: ["deployments", "statefulsets", "daemonsets"],
  description:
    "Reports Deployments, StatefulSets and DaemonSets with containers lacking a livenessProbe or a " +
    "readinessProbe (one finding per workload). kube-system, kube-public and kube-node-lease are skipped: " +
    "their workloads come with the distribution and are not the operator's to change.",
  run(ctx) {
    const out: Finding[] = [];
    for (const w of workloadsOf(ctx)) {
      if (isSystem(w)) continue;
      const gaps = appContainers(w).flatMap((c) => {
        const missing = [c.livenessProbe ? "" : "liveness", c.readinessProbe ? "" : "readiness"].filter(
          Boolean,
        );
        return missing.length ? [`${c.name} (no ${missing.join(" or ")})`] : [];
      });
      if (gaps.length === 0) continue;
      out.push({
        code: missingProbes.code,
        severity: "warning",
        object: ref(w),
        message: `${w.kind} ${nameOf(w)} has containers without probes: ${gaps.join(", ")}.`,
        fix:
          `Add probes to the pod template, e.g. kubectl -n ${w.metadata.namespace} patch ${w.kind.toLowerCase()} ` +
          `${w.metadata.name} --type=json -p '[{"op":"add","path":"/spec/template/spec/containers/0/readinessProbe",` +
          `"value":{"httpGet":{"path":"/healthz","port":8080},"periodSeconds":10,"failureThreshold":3}}]' ` +
          "(and a livenessProbe likewise), using the endpoint the app serves.",
      });
    }
    return out;
  },
};
