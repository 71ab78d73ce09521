import assert from "node:assert/strict";
import { test } from "node:test";
import { context, deploymentOf, findingKeys, pdbOf, runCheck, snapshot, statefulSetOf } from "../testing.ts";
import { disruptionBudget } from "./disruption-budget.ts";

const selector = (app: string) => ({ selector: { matchLabels: { app } } });

test("flags multi-replica workloads without a PDB and PDBs that allow no eviction", () => {
  const snap = snapshot({
    deployments: [
      deploymentOf("shop", "web", { replicas: 3 }), // covered by a healthy PDB
      deploymentOf("shop", "api", { replicas: 3 }), // no PDB
      deploymentOf("shop", "worker", { replicas: 1 }), // single replica: MCP-WL-004's, no PDB needed
      deploymentOf("shop", "frozen", { replicas: 2 }),
      deploymentOf("shop", "full", { replicas: 2 }),
      deploymentOf("kube-system", "coredns", { replicas: 2 }),
    ],
    statefulsets: [statefulSetOf("data", "db", { replicas: 3 })],
    poddisruptionbudgets: [
      pdbOf("shop", "web", { ...selector("web"), maxUnavailable: 1 }),
      pdbOf("shop", "frozen", { ...selector("frozen"), maxUnavailable: 0 }),
      pdbOf("shop", "full", { ...selector("full"), minAvailable: 2 }),
      pdbOf("other", "api", { ...selector("api"), maxUnavailable: 1 }), // wrong namespace
      pdbOf("data", "percent", { ...selector("nothing"), minAvailable: "100%" }),
    ],
  });
  const findings = runCheck(disruptionBudget, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-WL-005 Deployment shop/api",
    "MCP-WL-005 PodDisruptionBudget data/percent",
    "MCP-WL-005 PodDisruptionBudget shop/frozen",
    "MCP-WL-005 PodDisruptionBudget shop/full",
    "MCP-WL-005 StatefulSet data/db",
  ]);
  const full = findings.find((f) => f.object?.name === "full")!;
  assert.equal(full.severity, "error");
  assert.match(full.message, /minAvailable 2 >= the 2 replica\(s\) of shop\/full/);
  assert.match(findings[0].fix, /create poddisruptionbudget api --selector=app=api --max-unavailable=1/);
});
