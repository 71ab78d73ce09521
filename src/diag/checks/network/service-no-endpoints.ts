// MCP-NET-005 — a Service whose pods exist but no endpoint is ready.
// Pods match the selector but every address in its EndpointSlices is not ready (failing readiness
// probes, wrong targetPort, pods still starting), so kube-proxy has nothing to send traffic to.
// Services that match no pod at all are MCP-NET-004's finding, not this one.
import type { KubeObject } from "../../../apis/meta/types.ts";
import type { Check, Finding } from "../../types.ts";
import { arr, list, nameOf, rec, ref } from "../objects.ts";
import { podsOf } from "./service-pods.ts";

const SERVICE_LABEL = "kubernetes.io/service-name";

function readyEndpoints(svc: KubeObject, slices: KubeObject[]): number {
  let ready = 0;
  for (const slice of slices) {
    if (slice.metadata.namespace !== svc.metadata.namespace) continue;
    if (slice.metadata.labels?.[SERVICE_LABEL] !== svc.metadata.name) continue;
    for (const ep of arr(slice.endpoints)) {
      // The API says an absent ready condition means "unknown" and consumers treat it as ready.
      if (rec(rec(ep).conditions).ready !== false) ready++;
    }
  }
  return ready;
}

export const serviceNoEndpoints: Check = {
  code: "MCP-NET-005",
  area: "network",
  title: "Service has no ready endpoints",
  severity: "error",
  reads: ["services", "pods", "endpointslices"],
  description:
    "A Service whose selector matches pods, but whose EndpointSlices hold no ready address: the pods fail " +
    "their readiness probes or are not serving, so the Service answers nothing.",
  run(ctx) {
    const pods = list(ctx, "pods");
    const slices = list(ctx, "endpointslices");
    const out: Finding[] = [];
    for (const svc of list(ctx, "services")) {
      const backing = podsOf(svc, pods);
      if (backing.length === 0 || readyEndpoints(svc, slices) > 0) continue;
      const ns = svc.metadata.namespace ?? "default";
      out.push({
        code: serviceNoEndpoints.code,
        severity: serviceNoEndpoints.severity,
        object: ref(svc),
        message: `Service ${nameOf(svc)} selects ${backing.length} pod(s) but has no ready endpoint.`,
        fix:
          `Find why the pods are not ready: kubectl -n ${ns} describe pod ${backing[0].metadata.name} ` +
          `(readiness probe, crash loop), and check the Service's targetPort matches a containerPort: ` +
          `kubectl -n ${ns} get endpointslices -l ${SERVICE_LABEL}=${svc.metadata.name} -o wide`,
      });
    }
    return out;
  },
};
