// MCP-STO-003 — a bound claim and its PersistentVolume disagree.
// A claim bound by hand (spec.volumeName) or by an old pre-bound PV skips the controller's
// matching, so it can end up on a volume of another class, a smaller disk or one that cannot be
// mounted with the modes the pods need; the mismatch surfaces only as a failed mount or a full
// disk, typically after a reschedule during an upgrade.

import { parseQuantity, quantityValue } from "../../../agent/status/quantity.ts";
import type { KubeObject } from "../../../apis/meta/types.ts";
import type { Check, Finding } from "../../types.ts";
import { arr, find, list, nameOf, rec, ref, str } from "../objects.ts";

function storageBytes(v: unknown): number | undefined {
  const q = parseQuantity(str(v));
  return q ? quantityValue(q) : undefined;
}

/** Every way the volume fails the claim, as short phrases for one message. */
export function mismatches(claim: KubeObject, volume: KubeObject): string[] {
  const cs = rec(claim.spec);
  const vs = rec(volume.spec);
  const problems: string[] = [];
  const claimClass = str(cs.storageClassName);
  // An unset class on the claim means "whatever the default was"; only compare explicit classes.
  if (claimClass !== undefined && claimClass !== (str(vs.storageClassName) ?? "")) {
    problems.push(`class "${claimClass}" but the volume's class is "${str(vs.storageClassName) ?? ""}"`);
  }
  const want = storageBytes(rec(rec(cs.resources).requests).storage);
  const have = storageBytes(rec(vs.capacity).storage);
  if (want !== undefined && have !== undefined && have < want) {
    problems.push(
      `requests ${str(rec(rec(cs.resources).requests).storage)} but the volume holds only ${str(rec(vs.capacity).storage)}`,
    );
  }
  const modes = arr(vs.accessModes);
  const missing = arr(cs.accessModes).filter((m) => !modes.includes(m));
  if (missing.length > 0) {
    problems.push(
      `needs access mode ${missing.join(", ")} the volume does not offer (${modes.join(", ") || "none"})`,
    );
  }
  return problems;
}

export const bindingMismatch: Check = {
  code: "MCP-STO-003",
  area: "storage",
  title: "PVC/PV/StorageClass mismatch",
  severity: "warning",
  reads: ["persistentvolumeclaims", "persistentvolumes"],
  description:
    "A bound PersistentVolumeClaim whose PersistentVolume has another storage class, less capacity than " +
    "requested, or lacks one of the requested access modes. Pods may fail to mount it or run out of space.",
  run(ctx) {
    const out: Finding[] = [];
    const volumes = list(ctx, "persistentvolumes");
    for (const claim of list(ctx, "persistentvolumeclaims")) {
      const volumeName = str(rec(claim.spec).volumeName);
      if (!volumeName) continue;
      const volume = find(volumes, undefined, volumeName);
      // A missing volume is MCP-STO-002's finding (the claim turns Lost), not a mismatch.
      if (!volume) continue;
      const problems = mismatches(claim, volume);
      if (problems.length === 0) continue;
      const ns = claim.metadata.namespace ?? "default";
      out.push({
        code: bindingMismatch.code,
        severity: bindingMismatch.severity,
        object: ref(claim),
        message: `PersistentVolumeClaim ${nameOf(claim)} is bound to PersistentVolume ${volumeName} but ${problems.join("; ")}.`,
        fix:
          `Move the data to a volume that matches: create a new claim with the intended storageClassName, size ` +
          `and accessModes, copy the data, and point the workload at it; or, for a smaller disk, expand it ` +
          `(kubectl patch pv ${volumeName} -p '{"spec":{"capacity":{"storage":"<size>"}}}' after resizing the ` +
          `backing disk). Inspect with: kubectl -n ${ns} get pvc ${claim.metadata.name} -o yaml; kubectl get pv ${volumeName} -o yaml`,
      });
    }
    return out;
  },
};
