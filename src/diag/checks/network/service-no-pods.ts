// MCP-NET-004 — a Service whose selector matches no pod.
// The classic cause is a label renamed in the Deployment but not in the Service (or the other
// way round) during an upgrade: the Service keeps its ClusterIP and DNS name, so clients get
// connection refused/timeouts with nothing in any log.
import type { Check, Finding } from "../../types.ts";
import { list, nameOf, ref } from "../objects.ts";
import { formatSelector, podsOf, serviceSelector } from "./service-pods.ts";

export const serviceNoPods: Check = {
  code: "MCP-NET-004",
  area: "network",
  title: "Service selects no pods",
  severity: "warning",
  reads: ["services", "pods"],
  description:
    "A Service with a selector that matches no running pod in its namespace: it has no endpoints and every " +
    "connection to it fails. Usually the selector and the pod template labels drifted apart.",
  run(ctx) {
    const pods = list(ctx, "pods");
    const out: Finding[] = [];
    for (const svc of list(ctx, "services")) {
      const selector = serviceSelector(svc);
      if (!selector || podsOf(svc, pods).length > 0) continue;
      const sel = formatSelector(selector);
      const ns = svc.metadata.namespace ?? "default";
      out.push({
        code: serviceNoPods.code,
        severity: serviceNoPods.severity,
        object: ref(svc),
        message: `Service ${nameOf(svc)} selects ${sel} but no pod in namespace ${ns} has those labels.`,
        fix:
          `Compare with the workload's labels (kubectl -n ${ns} get pods --show-labels) and fix the selector: ` +
          `kubectl -n ${ns} patch service ${svc.metadata.name} -p '{"spec":{"selector":{"<key>":"<value>"}}}', ` +
          "or scale up / fix the workload if it is meant to run.",
      });
    }
    return out;
  },
};
