import assert from "node:assert/strict";
import { test } from "node:test";
import {
  context,
  deploymentOf,
  findingKeys,
  goodContainer,
  runCheck,
  snapshot,
  statefulSetOf,
} from "../testing.ts";
import { missingResources } from "./missing-resources.ts";

test("flags containers missing cpu/memory requests or a memory limit; CPU limits are optional", () => {
  const snap = snapshot({
    deployments: [
      deploymentOf("shop", "web"),
      deploymentOf("shop", "no-cpu-limit", {
        containers: [
          goodContainer("app", {
            resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } },
          }),
        ],
      }),
      deploymentOf("shop", "best-effort", { containers: [goodContainer("app", { resources: undefined })] }),
      deploymentOf("kube-system", "metrics", { containers: [goodContainer("app", { resources: {} })] }),
    ],
    statefulsets: [
      statefulSetOf("data", "db", {
        containers: [goodContainer("db", { resources: { requests: { cpu: "1", memory: "1Gi" } } })],
      }),
    ],
  });
  const findings = runCheck(missingResources, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-WL-003 Deployment shop/best-effort",
    "MCP-WL-003 StatefulSet data/db",
  ]);
  assert.match(findings[1].message, /db \(no memory limit\)/);
  assert.match(findings[0].fix, /kubectl -n shop set resources deployment\/best-effort/);
});
