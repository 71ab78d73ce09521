// MCP-STO-002 — PersistentVolumeClaim Lost.
// Lost means the claim was bound but its PersistentVolume is gone: the data may be gone with it,
// and the pods using the claim will never mount it again. It never heals on its own.
import type { Check, Finding } from "../../types.ts";
import { list, nameOf, rec, ref, str } from "../objects.ts";

export const pvcLost: Check = {
  code: "MCP-STO-002",
  area: "storage",
  title: "PersistentVolumeClaim Lost",
  severity: "error",
  reads: ["persistentvolumeclaims"],
  description:
    "A PersistentVolumeClaim in phase Lost was bound to a PersistentVolume that no longer exists. " +
    "Recreate the volume (from the backing disk or a backup) with a claimRef to the claim.",
  run(ctx) {
    const out: Finding[] = [];
    for (const claim of list(ctx, "persistentvolumeclaims")) {
      if (str(rec(claim.status).phase) !== "Lost") continue;
      const ns = claim.metadata.namespace ?? "default";
      const volume = str(rec(claim.spec).volumeName) ?? "<volume>";
      out.push({
        code: pvcLost.code,
        severity: pvcLost.severity,
        object: ref(claim),
        message: `PersistentVolumeClaim ${nameOf(claim)} is Lost: its PersistentVolume ${volume} no longer exists.`,
        fix:
          `Recreate PersistentVolume ${volume} for the same disk with spec.claimRef ` +
          `{namespace: ${ns}, name: ${claim.metadata.name}} (kubectl apply -f pv.yaml), or restore the data ` +
          `from a backup: kubectl -n ${ns} delete pvc ${claim.metadata.name} and re-create it (e.g. velero restore create).`,
      });
    }
    return out;
  },
};
