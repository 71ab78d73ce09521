// MCP-STO-001 — PersistentVolumeClaim stuck in Pending.
// A Pending claim keeps every pod that mounts it in ContainerCreating/Pending, and a StatefulSet
// rollout or an upgrade's drain then waits forever; the usual causes are a missing or wrong
// StorageClass, no matching static PV, or a provisioner that is not running.
import type { Check, Finding } from "../../types.ts";
import { list, nameOf, rec, ref, str } from "../objects.ts";

export const pvcPending: Check = {
  code: "MCP-STO-001",
  area: "storage",
  title: "PersistentVolumeClaim Pending",
  severity: "warning",
  reads: ["persistentvolumeclaims"],
  description:
    "A PersistentVolumeClaim in phase Pending is not bound to any volume, so pods that mount it cannot " +
    "start. Check its events for the StorageClass or provisioner that failed.",
  run(ctx) {
    const out: Finding[] = [];
    for (const claim of list(ctx, "persistentvolumeclaims")) {
      if (str(rec(claim.status).phase) !== "Pending") continue;
      const ns = claim.metadata.namespace ?? "default";
      const cls = str(rec(claim.spec).storageClassName);
      out.push({
        code: pvcPending.code,
        severity: pvcPending.severity,
        object: ref(claim),
        message:
          `PersistentVolumeClaim ${nameOf(claim)} is Pending` +
          (cls !== undefined ? ` (storageClassName "${cls}")` : " (no storageClassName)") +
          ", so pods mounting it cannot start.",
        fix:
          `kubectl -n ${ns} describe pvc ${claim.metadata.name} (read the ProvisioningFailed events), then ` +
          "point spec.storageClassName at a class from `kubectl get storageclass` whose provisioner runs, " +
          "or create a PersistentVolume that matches the claim's class, size and access modes.",
      });
    }
    return out;
  },
};
