import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, pv, pvc, runCheck, snapshot } from "../testing.ts";
import { bindingMismatch } from "./binding-mismatch.ts";

test("MCP-STO-003 fires on class, capacity and access-mode mismatches only", () => {
  const snap = snapshot({
    persistentvolumeclaims: [
      pvc("a", "wrong-class", { storageClassName: "fast", volumeName: "pv-slow" }),
      pvc("a", "too-small", { storageClassName: "std", volumeName: "pv-small", storage: "20Gi" }),
      pvc("a", "rwx", { storageClassName: "std", volumeName: "pv-rwo", accessModes: ["ReadWriteMany"] }),
      // healthy: same class, bigger disk (1e10 bytes > 5Gi), superset of modes
      pvc("a", "ok", { storageClassName: "std", volumeName: "pv-ok", storage: "5Gi" }),
      // healthy: no class on the claim (bound before classes) and static PV with empty class
      pvc("a", "legacy", { volumeName: "pv-legacy" }),
      // not bound yet, and bound to a volume that is gone: other checks' business
      pvc("a", "pending", { phase: "Pending", storageClassName: "std" }),
      pvc("a", "lost", { phase: "Lost", storageClassName: "std", volumeName: "pv-gone" }),
    ],
    persistentvolumes: [
      pv("pv-slow", { storageClassName: "slow" }),
      pv("pv-small", { storageClassName: "std", storage: "10Gi" }),
      pv("pv-rwo", { storageClassName: "std", accessModes: ["ReadWriteOnce"] }),
      pv("pv-ok", {
        storageClassName: "std",
        storage: "10G",
        accessModes: ["ReadWriteOnce", "ReadOnlyMany"],
      }),
      pv("pv-legacy", { storageClassName: "" }),
    ],
  });
  const findings = runCheck(bindingMismatch, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-STO-003 PersistentVolumeClaim a/rwx",
    "MCP-STO-003 PersistentVolumeClaim a/too-small",
    "MCP-STO-003 PersistentVolumeClaim a/wrong-class",
  ]);
  const byName = new Map(findings.map((f) => [f.object?.name, f.message]));
  assert.match(byName.get("wrong-class") ?? "", /class "fast" but the volume's class is "slow"/);
  assert.match(byName.get("too-small") ?? "", /requests 20Gi but the volume holds only 10Gi/);
  assert.match(byName.get("rwx") ?? "", /ReadWriteMany/);
});

test("MCP-STO-003 is silent on a healthy cluster", () => {
  const snap = snapshot({
    persistentvolumeclaims: [pvc("a", "data", { storageClassName: "std", volumeName: "pv-1" })],
    persistentvolumes: [pv("pv-1", { storageClassName: "std" })],
  });
  assert.deepEqual(runCheck(bindingMismatch, context(snap)), []);
});
