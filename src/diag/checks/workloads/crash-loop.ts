// MCP-WL-008 — pods in CrashLoopBackOff.
// A crash-looping pod is the most direct sign that a rollout or upgrade broke something (a removed
// API, a changed flag, a probe killing a slow start). System pods are included: a crash-looping
// CNI or CoreDNS pod is exactly what an upgrade must not proceed past.
import type { Check, Finding } from "../../types.ts";
import { arr, list, nameOf, rec, ref, str } from "../objects.ts";

export const crashLoop: Check = {
  code: "MCP-WL-008",
  area: "workloads",
  title: "Pod in CrashLoopBackOff",
  severity: "error",
  reads: ["pods"],
  description:
    "Reports pods with a container or init container waiting in CrashLoopBackOff, in every namespace " +
    "(kube-system included: a crashing CNI or DNS pod blocks an upgrade).",
  run(ctx) {
    const out: Finding[] = [];
    for (const pod of list(ctx, "pods")) {
      const status = rec(pod.status);
      const crashing = [...arr(status.initContainerStatuses), ...arr(status.containerStatuses)]
        .map(rec)
        .filter((s) => str(rec(rec(s.state).waiting).reason) === "CrashLoopBackOff");
      if (crashing.length === 0) continue;
      const names = crashing.map((s) => `${str(s.name)} (${Number(s.restartCount ?? 0)} restarts)`);
      const first = str(crashing[0].name);
      out.push({
        code: crashLoop.code,
        severity: "error",
        object: ref(pod),
        message: `Pod ${nameOf(pod)} is in CrashLoopBackOff: ${names.join(", ")}.`,
        fix: `kubectl -n ${pod.metadata.namespace} logs ${pod.metadata.name} -c ${first} --previous (why it exits), and kubectl -n ${pod.metadata.namespace} describe pod ${pod.metadata.name} (OOMKilled, probe failures).`,
      });
    }
    return out;
  },
};
