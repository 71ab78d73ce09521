// MCP-WL-002 — probes that cause restart storms.
// The seed's failure: a livenessProbe without failureThreshold (or with 1) restarts the container
// on one slow response, and a timeout as long as the period makes probes overlap; under the load of
// an upgrade every replica fails at once and the Deployment restarts itself into an outage.
import type { Check, Finding } from "../../types.ts";
import { nameOf, ref } from "../objects.ts";
import { appContainers, isSystem, type Probe, workloadsOf } from "./kube.ts";

/** Below this many seconds of failures (period x threshold) a liveness restart is a hair trigger. */
export const MIN_LIVENESS_WINDOW_SECONDS = 10;

export const riskyProbes: Check = {
  code: "MCP-WL-002",
  area: "workloads",
  title: "Probe settings that cause restart storms",
  severity: "warning",
  reads: ["deployments", "statefulsets", "daemonsets"],
  description:
    "Reports probes whose timeoutSeconds is not below periodSeconds (probes overlap), and liveness probes with " +
    "no explicit failureThreshold, a failureThreshold of 1, or less than 10 s of failures (periodSeconds x " +
    "failureThreshold) before a restart. Defaults are Kubernetes' (period 10 s, timeout 1 s, threshold 3). " +
    "kube-system, kube-public and kube-node-lease are skipped (distribution-owned).",
  run(ctx) {
    const out: Finding[] = [];
    for (const w of workloadsOf(ctx)) {
      if (isSystem(w)) continue;
      const problems: string[] = [];
      for (const c of appContainers(w)) {
        for (const [kind, probe] of [
          ["liveness", c.livenessProbe],
          ["readiness", c.readinessProbe],
          ["startup", c.startupProbe],
        ] as const) {
          if (probe)
            problems.push(...probeProblems(probe, kind === "liveness").map((p) => `${c.name} ${kind}: ${p}`));
        }
      }
      if (problems.length === 0) continue;
      out.push({
        code: riskyProbes.code,
        severity: "warning",
        object: ref(w),
        message: `${w.kind} ${nameOf(w)} has probes that can trigger restart storms: ${problems.join("; ")}.`,
        fix:
          `Set explicit, tolerant values in the pod template (kubectl -n ${w.metadata.namespace} edit ` +
          `${w.kind.toLowerCase()} ${w.metadata.name}): timeoutSeconds below periodSeconds (e.g. 3 < 10), ` +
          "failureThreshold: 3 or more, and a startupProbe for slow starts instead of a tight liveness probe.",
      });
    }
    return out;
  },
};

function probeProblems(p: Probe, liveness: boolean): string[] {
  const period = p.periodSeconds ?? 10;
  const timeout = p.timeoutSeconds ?? 1;
  const out: string[] = [];
  if (timeout >= period) out.push(`timeoutSeconds ${timeout} >= periodSeconds ${period}`);
  if (!liveness) return out;
  if (p.failureThreshold === undefined) out.push("no failureThreshold");
  else if (p.failureThreshold <= 1) out.push("failureThreshold 1 restarts on a single failure");
  else if (period * p.failureThreshold < MIN_LIVENESS_WINDOW_SECONDS)
    out.push(`restarts after only ${period * p.failureThreshold}s of failures`);
  return out;
}
