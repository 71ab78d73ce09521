import assert from "node:assert/strict";
import { test } from "node:test";
import { context, deploymentOf, findingKeys, runCheck, snapshot } from "../testing.ts";
import { stuckRollout } from "./stuck-rollout.ts";

// NOW is 2025-06-01T12:00:00Z.
const progressing = (status: string, reason: string, at = "2025-06-01T11:59:00Z") => ({
  type: "Progressing",
  status,
  reason,
  lastUpdateTime: at,
  lastTransitionTime: at,
});

test("flags deadline-exceeded, paused-halfway and long-unobserved rollouts, not healthy or fresh ones", () => {
  const snap = snapshot({
    deployments: [
      deploymentOf("shop", "done", {
        replicas: 3,
        status: {
          observedGeneration: 1,
          updatedReplicas: 3,
          conditions: [progressing("True", "NewReplicaSetAvailable")],
        },
      }),
      deploymentOf("shop", "deadline", {
        replicas: 3,
        status: {
          observedGeneration: 1,
          updatedReplicas: 1,
          conditions: [progressing("False", "ProgressDeadlineExceeded")],
        },
      }),
      deploymentOf("shop", "paused", {
        replicas: 4,
        spec: { paused: true },
        status: {
          observedGeneration: 1,
          updatedReplicas: 2,
          conditions: [progressing("Unknown", "DeploymentPaused")],
        },
      }),
      deploymentOf("shop", "unobserved", {
        replicas: 2,
        generation: 5,
        status: {
          observedGeneration: 4,
          updatedReplicas: 0,
          conditions: [progressing("True", "NewReplicaSetAvailable", "2025-06-01T10:00:00Z")],
        },
      }),
      deploymentOf("shop", "just-applied", {
        replicas: 2,
        generation: 5,
        status: {
          observedGeneration: 4,
          updatedReplicas: 0,
          conditions: [progressing("True", "ReplicaSetUpdated")],
        },
      }),
    ],
  });
  const findings = runCheck(stuckRollout, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-WL-007 Deployment shop/deadline",
    "MCP-WL-007 Deployment shop/paused",
    "MCP-WL-007 Deployment shop/unobserved",
  ]);
  const paused = findings.find((f) => f.object?.name === "paused")!;
  assert.equal(paused.severity, "warning");
  assert.match(paused.fix, /rollout resume deployment\/paused/);
  assert.match(findings[0].message, /progress deadline exceeded with 1\/3 replicas updated/);
});
