import assert from "node:assert/strict";
import { test } from "node:test";
import { context, deploymentOf, findingKeys, runCheck, snapshot, statefulSetOf } from "../testing.ts";
import { singleReplica } from "./single-replica.ts";

test("flags single-replica Deployments and StatefulSets; scaled-to-zero and system ones are left alone", () => {
  const snap = snapshot({
    deployments: [
      deploymentOf("shop", "web", { replicas: 3 }),
      deploymentOf("shop", "lonely", { replicas: 1 }),
      deploymentOf("shop", "off", { replicas: 0 }),
      deploymentOf("kube-system", "metrics-server", { replicas: 1 }),
    ],
    statefulsets: [statefulSetOf("data", "db", { replicas: 1 })],
  });
  const findings = runCheck(singleReplica, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-WL-004 Deployment shop/lonely",
    "MCP-WL-004 StatefulSet data/db",
  ]);
  assert.match(findings[0].fix, /kubectl -n shop scale deployment\/lonely --replicas=2/);
});
