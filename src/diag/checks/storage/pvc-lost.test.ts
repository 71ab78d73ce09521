import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, pvc, runCheck, snapshot } from "../testing.ts";
import { pvcLost } from "./pvc-lost.ts";

test("MCP-STO-002 fires on exactly the Lost claims", () => {
  const snap = snapshot({
    persistentvolumeclaims: [
      pvc("db", "data-pg-0", { phase: "Lost", volumeName: "pv-gone" }),
      pvc("db", "data-pg-1", { phase: "Bound", volumeName: "pv-1" }),
      pvc("web", "cache", { phase: "Pending" }),
    ],
  });
  const findings = runCheck(pvcLost, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-STO-002 PersistentVolumeClaim db/data-pg-0"]);
  assert.equal(findings[0].severity, "error");
  assert.match(findings[0].message, /pv-gone/);
});

test("MCP-STO-002 is silent on a healthy cluster", () => {
  const snap = snapshot({ persistentvolumeclaims: [pvc("db", "data", { volumeName: "pv-1" })] });
  assert.deepEqual(runCheck(pvcLost, context(snap)), []);
});
