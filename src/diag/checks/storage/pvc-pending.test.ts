import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, pvc, runCheck, snapshot } from "../testing.ts";
import { pvcPending } from "./pvc-pending.ts";

test("MCP-STO-001 fires on exactly the Pending claims", () => {
  const snap = snapshot({
    persistentvolumeclaims: [
      pvc("web", "uploads", { phase: "Pending", storageClassName: "fast" }),
      pvc("web", "cache", { phase: "Pending" }),
      pvc("db", "data", { phase: "Bound", volumeName: "pv-1" }),
      pvc("db", "old", { phase: "Lost", volumeName: "pv-2" }),
    ],
  });
  const findings = runCheck(pvcPending, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-STO-001 PersistentVolumeClaim web/cache",
    "MCP-STO-001 PersistentVolumeClaim web/uploads",
  ]);
  assert.match(findings[0].message, /"fast"/);
  assert.match(findings[0].fix, /kubectl -n web describe pvc uploads/);
});

test("MCP-STO-001 is silent on a healthy cluster", () => {
  const snap = snapshot({ persistentvolumeclaims: [pvc("db", "data", { volumeName: "pv-1" })] });
  assert.deepEqual(runCheck(pvcPending, context(snap)), []);
});
