// MCP-WL-006 — StatefulSet rollout held back by updateStrategy.rollingUpdate.partition.
// Pods with an ordinal below the partition are never updated: a partition left over from a canary
// keeps part of the StatefulSet on the old revision forever, and an upgrade that changed the
// template looks done while it is not (updateRevision != currentRevision).
import type { Check, Finding } from "../../types.ts";
import { list, nameOf, ref } from "../objects.ts";
import { replicasOf, specOf, statusOf } from "./kube.ts";

interface StsSpec {
  updateStrategy: { type?: string; rollingUpdate?: { partition?: number } };
}
interface StsStatus {
  currentRevision: string;
  updateRevision: string;
  updatedReplicas: number;
}

export const statefulSetPartition: Check = {
  code: "MCP-WL-006",
  area: "workloads",
  title: "StatefulSet partition blocks rollout",
  severity: "warning",
  reads: ["statefulsets"],
  description:
    "Reports StatefulSets using RollingUpdate with rollingUpdate.partition > 0 while a rollout is pending " +
    "(status.updateRevision differs from currentRevision): pods with an ordinal below the partition stay on " +
    "the old revision. A partition with no pending rollout is a staged canary and is not reported.",
  run(ctx) {
    const out: Finding[] = [];
    for (const sts of list(ctx, "statefulsets")) {
      const strategy = specOf<StsSpec>(sts).updateStrategy;
      if ((strategy?.type ?? "RollingUpdate") !== "RollingUpdate") continue;
      const partition = strategy?.rollingUpdate?.partition ?? 0;
      const status = statusOf<StsStatus>(sts);
      if (partition <= 0 || !status.updateRevision || status.updateRevision === status.currentRevision)
        continue;
      const held = Math.min(partition, replicasOf(sts));
      out.push({
        code: statefulSetPartition.code,
        severity: "warning",
        object: ref(sts),
        message:
          `StatefulSet ${nameOf(sts)} has partition ${partition}: ${held} pod(s) (ordinals 0-${held - 1}) stay on ` +
          `revision ${status.currentRevision ?? "?"} while ${status.updateRevision} rolls out.`,
        fix:
          `When the canary is verified: kubectl -n ${sts.metadata.namespace} patch statefulset ${sts.metadata.name} ` +
          `--type=merge -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}'`,
      });
    }
    return out;
  },
};
