import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../../apis/meta/types.ts";
import { context, deployment, findingKeys, NOW, namespace, obj, runCheck, snapshot } from "../testing.ts";
import { veleroBackup } from "./velero-backup.ts";

const HOUR = 3_600_000;
const backup = (name: string, phase: string, hoursAgo: number): KubeObject =>
  obj("velero.io/v1", "Backup", name, "velero", {
    status: { phase, completionTimestamp: new Date(NOW.getTime() - hoursAgo * HOUR).toISOString() },
  });
const installed = {
  namespaces: [namespace("velero")],
  deployments: [deployment("velero", "velero", { replicas: 1 }, { readyReplicas: 1 })],
};

test("MCP-OPS-002 reports a missing Velero as info", () => {
  const findings = runCheck(
    veleroBackup,
    context(snapshot({ namespaces: [namespace("default")], deployments: [] })),
  );
  assert.deepEqual(findingKeys(findings), ["MCP-OPS-002 cluster"]);
  assert.equal(findings[0].severity, "info");
});

test("MCP-OPS-002 warns when the last successful backup is older than 24h", () => {
  const snap = snapshot({
    ...installed,
    velerobackups: [
      backup("daily-old", "Completed", 30),
      backup("daily-new", "Failed", 2),
      backup("x", "PartiallyFailed", 1),
    ],
  });
  const findings = runCheck(veleroBackup, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-OPS-002 Deployment velero/velero"]);
  assert.equal(findings[0].severity, "warning");
  assert.match(findings[0].message, /more than 24 hours ago/);
});

test("MCP-OPS-002 warns when Velero's namespace exists but no backup ever completed", () => {
  const findings = runCheck(
    veleroBackup,
    context(snapshot({ namespaces: [namespace("velero")], velerobackups: [] })),
  );
  assert.deepEqual(findingKeys(findings), ["MCP-OPS-002 Namespace velero"]);
  assert.match(findings[0].message, /no backup has ever completed/);
});

test("MCP-OPS-002 is silent with a backup completed in the last 24h", () => {
  const snap = snapshot({
    ...installed,
    velerobackups: [backup("daily", "Completed", 20), backup("y", "Failed", 1)],
  });
  assert.deepEqual(runCheck(veleroBackup, context(snap)), []);
});
