// MCP-SEC-003 — pods on the host network outside the platform namespaces.
// hostNetwork bypasses NetworkPolicies, lets the pod bind any node port and sniff node traffic;
// outside kube-system (and the CNI's namespaces) it is almost always a shortcut around a
// Service or a NodePort.
import type { Check, Finding, ObjectRef } from "../../types.ts";
import { editCommand, judgedPods, podSpecOf, refKey, workloadOf } from "./pods.ts";

export const hostNetwork: Check = {
  code: "MCP-SEC-003",
  area: "security",
  title: "hostNetwork pod outside kube-system",
  severity: "warning",
  reads: ["pods", "replicasets", "jobs"],
  description:
    "A pod uses hostNetwork: true outside kube-system and the CNI namespaces: it skips NetworkPolicies and shares the " +
    "node's network stack. Expose it through a Service (NodePort/LoadBalancer) instead.",
  run(ctx) {
    const hits = new Map<string, ObjectRef>();
    for (const pod of judgedPods(ctx)) {
      if (podSpecOf(pod).hostNetwork !== true) continue;
      const ref = workloadOf(ctx, pod);
      hits.set(refKey(ref), ref);
    }
    return [...hits.values()].map(
      (ref): Finding => ({
        code: hostNetwork.code,
        severity: hostNetwork.severity,
        object: ref,
        message: `${ref.kind} ${ref.namespace}/${ref.name} runs its pods on the host network (hostNetwork: true).`,
        fix: `${editCommand(ref)}: remove spec.hostNetwork from the pod template and expose its ports with a Service (type NodePort or LoadBalancer)`,
      }),
    );
  },
};
