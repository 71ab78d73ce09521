import assert from "node:assert/strict";
import { test } from "node:test";
import {
  context,
  daemonSetOf,
  deploymentOf,
  findingKeys,
  goodContainer,
  runCheck,
  snapshot,
  statefulSetOf,
} from "../testing.ts";
import { missingProbes } from "./missing-probes.ts";

test("flags workloads with containers lacking liveness or readiness probes, outside kube-system", () => {
  const bare = { name: "app", image: "app:1" };
  const snap = snapshot({
    deployments: [
      deploymentOf("shop", "web"),
      deploymentOf("shop", "no-probes", { containers: [bare] }),
      deploymentOf("shop", "sidecar-gap", {
        containers: [goodContainer(), goodContainer("proxy", { livenessProbe: undefined })],
      }),
      deploymentOf("kube-system", "coredns", { containers: [bare] }),
    ],
    statefulsets: [
      statefulSetOf("data", "db", { containers: [goodContainer("db", { readinessProbe: undefined })] }),
    ],
    daemonsets: [daemonSetOf("logging", "agent", { containers: [bare] }), daemonSetOf("logging", "ok")],
  });
  const findings = runCheck(missingProbes, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-WL-001 DaemonSet logging/agent",
    "MCP-WL-001 Deployment shop/no-probes",
    "MCP-WL-001 Deployment shop/sidecar-gap",
    "MCP-WL-001 StatefulSet data/db",
  ]);
  assert.match(findings.find((f) => f.object?.name === "sidecar-gap")!.message, /proxy \(no liveness\)/);
});
