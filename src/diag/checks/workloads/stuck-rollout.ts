// MCP-WL-007 — Deployment stuck in rollout.
// A rollout that exceeded its progressDeadlineSeconds (image pull errors, crashing new pods, no room
// for the surge) leaves the Deployment half old and half new; an upgrade wave that waits on it never
// finishes, and a paused rollout halfway is the same trap set by hand.
import type { Condition } from "../../../apis/meta/types.ts";
import type { Check, Finding } from "../../types.ts";
import { list, nameOf, ref } from "../objects.ts";
import { conditionOf, replicasOf, specOf, statusOf } from "./kube.ts";

interface DeploySpec {
  paused: boolean;
  progressDeadlineSeconds: number;
}
interface DeployStatus {
  observedGeneration: number;
  updatedReplicas: number;
}

export const stuckRollout: Check = {
  code: "MCP-WL-007",
  area: "workloads",
  title: "Deployment stuck in rollout",
  severity: "error",
  reads: ["deployments"],
  description:
    "Reports Deployments whose Progressing condition is False with reason ProgressDeadlineExceeded, paused " +
    "Deployments with fewer updated replicas than desired, and Deployments whose controller has not observed " +
    "the latest generation for longer than progressDeadlineSeconds while replicas are not yet updated.",
  run(ctx) {
    const out: Finding[] = [];
    for (const d of list(ctx, "deployments")) {
      const why = stuckReason(d, ctx.now);
      if (!why) continue;
      const ns = d.metadata.namespace;
      out.push({
        code: stuckRollout.code,
        severity: why.paused ? "warning" : "error",
        object: ref(d),
        message: `Deployment ${nameOf(d)} is stuck in rollout: ${why.text}.`,
        fix: why.paused
          ? `kubectl -n ${ns} rollout resume deployment/${d.metadata.name}, or undo it: kubectl -n ${ns} rollout undo deployment/${d.metadata.name}`
          : `kubectl -n ${ns} rollout status deployment/${d.metadata.name}; inspect the new ReplicaSet's pods (kubectl -n ${ns} describe pods), fix the cause, or roll back: kubectl -n ${ns} rollout undo deployment/${d.metadata.name}`,
      });
    }
    return out;
  },
};

function stuckReason(
  d: Parameters<typeof conditionOf>[0],
  now: Date,
): { text: string; paused?: boolean } | undefined {
  const spec = specOf<DeploySpec>(d);
  const status = statusOf<DeployStatus>(d);
  const replicas = replicasOf(d);
  const updated = status.updatedReplicas ?? 0;
  const progressing = conditionOf(d, "Progressing") as (Condition & { lastUpdateTime?: string }) | undefined;
  if (progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded")
    return { text: `progress deadline exceeded with ${updated}/${replicas} replicas updated` };
  if (spec.paused && updated < replicas)
    return { text: `paused with ${updated}/${replicas} replicas updated`, paused: true };
  const generation = d.metadata.generation ?? 0;
  const since = Date.parse(progressing?.lastUpdateTime ?? progressing?.lastTransitionTime ?? "");
  const deadline = (spec.progressDeadlineSeconds ?? 600) * 1000;
  if ((status.observedGeneration ?? 0) < generation && updated < replicas && now.getTime() - since > deadline)
    return {
      text: `generation ${generation} not observed by the controller (observed ${status.observedGeneration ?? 0}) with ${updated}/${replicas} replicas updated`,
    };
  return undefined;
}
