// MCP-SEC-001 — privileged containers.
// A privileged container has every capability and all host devices: escaping to the node is one
// mount away, so a compromise of that app is a compromise of the node and everything on it.
// Platform namespaces (kube-system, the CNI's) are exempt: their agents need it by design.
import type { Check, Finding, ObjectRef } from "../../types.ts";
import { containersOf } from "../objects.ts";
import { editCommand, judgedPods, podSpecOf, refKey, workloadOf } from "./pods.ts";

export const privileged: Check = {
  code: "MCP-SEC-001",
  area: "security",
  title: "Privileged container",
  severity: "error",
  reads: ["pods", "replicasets", "jobs"],
  description:
    "A container (init and ephemeral included) runs with securityContext.privileged: true outside the platform " +
    "namespaces. Grant only the capabilities it needs instead.",
  run(ctx) {
    const hits = new Map<string, { ref: ObjectRef; containers: Set<string> }>();
    for (const pod of judgedPods(ctx)) {
      const bad = containersOf(podSpecOf(pod)).filter((c) => c.securityContext.privileged === true);
      if (bad.length === 0) continue;
      const ref = workloadOf(ctx, pod);
      const hit = hits.get(refKey(ref)) ?? { ref, containers: new Set() };
      for (const c of bad) hit.containers.add(c.name);
      hits.set(refKey(ref), hit);
    }
    return [...hits.values()].map(
      ({ ref, containers }): Finding => ({
        code: privileged.code,
        severity: privileged.severity,
        object: ref,
        message: `${ref.kind} ${ref.namespace}/${ref.name} runs privileged container(s): ${[...containers].join(", ")}.`,
        fix:
          `${editCommand(ref)}: set securityContext.privileged: false (and allowPrivilegeEscalation: false) on ` +
          `${[...containers].join(", ")}; add only the capabilities it needs under securityContext.capabilities.add`,
      }),
    );
  },
};
