// MCP-SEC-002 — containers that may run as root.
// Without runAsNonRoot the kubelet starts whatever user the image declares, and most images
// declare root; UID 0 in a container plus any escape bug is root on the node. A container is
// judged by its effective settings: its own securityContext overrides the pod's.
import type { Check, Finding, ObjectRef } from "../../types.ts";
import { type ContainerView, containersOf, rec } from "../objects.ts";
import { editCommand, judgedPods, podSpecOf, refKey, workloadOf } from "./pods.ts";

export function mayRunAsRoot(c: ContainerView, podSecurity: Record<string, unknown>): boolean {
  const nonRoot = c.securityContext.runAsNonRoot ?? podSecurity.runAsNonRoot;
  const user = c.securityContext.runAsUser ?? podSecurity.runAsUser;
  // runAsNonRoot: true makes the kubelet refuse UID 0, unless runAsUser says 0 (then the pod fails).
  if (nonRoot === true) return false;
  return user === undefined || user === 0;
}

export const runAsRoot: Check = {
  code: "MCP-SEC-002",
  area: "security",
  title: "Container may run as root",
  severity: "warning",
  reads: ["pods", "replicasets", "jobs"],
  description:
    "A container has neither runAsNonRoot: true nor a non-zero runAsUser (at container or pod level), so it runs as " +
    "root whenever its image says so. Set runAsNonRoot and a non-root runAsUser.",
  run(ctx) {
    const hits = new Map<string, { ref: ObjectRef; containers: Set<string> }>();
    for (const pod of judgedPods(ctx)) {
      const spec = podSpecOf(pod);
      // Windows containers have no UID 0 semantics; runAsNonRoot/runAsUser do not apply there.
      if (rec(spec.os).name === "windows") continue;
      const bad = containersOf(spec).filter((c) => mayRunAsRoot(c, rec(spec.securityContext)));
      if (bad.length === 0) continue;
      const ref = workloadOf(ctx, pod);
      const hit = hits.get(refKey(ref)) ?? { ref, containers: new Set() };
      for (const c of bad) hit.containers.add(c.name);
      hits.set(refKey(ref), hit);
    }
    return [...hits.values()].map(
      ({ ref, containers }): Finding => ({
        code: runAsRoot.code,
        severity: runAsRoot.severity,
        object: ref,
        message: `${ref.kind} ${ref.namespace}/${ref.name} may run as root: ${[...containers].join(", ")} set neither runAsNonRoot nor a non-zero runAsUser.`,
        fix: `${editCommand(ref)}: add to the pod template spec.securityContext: {runAsNonRoot: true, runAsUser: 10001} (a UID the image can run as)`,
      }),
    );
  },
};
