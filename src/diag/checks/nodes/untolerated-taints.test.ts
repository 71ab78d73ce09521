import assert from "node:assert/strict";
import { test } from "node:test";
import {
  context,
  daemonSetOf,
  deploymentOf,
  findingKeys,
  nodeWith,
  pod,
  runCheck,
  snapshot,
} from "../testing.ts";
import { untoleratedTaints } from "./untolerated-taints.ts";

test("flags taints nothing tolerates; ignores managed taints and tolerate-everything DaemonSets", () => {
  const snap = snapshot({
    nodes: [
      nodeWith("plain"),
      nodeWith("cp", { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] }),
      nodeWith("not-ready", { taints: [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }] }),
      nodeWith("gpu", { taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }] }),
      nodeWith("db", { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] }),
      nodeWith("stale", { taints: [{ key: "maintenance", value: "true", effect: "NoSchedule" }] }),
      nodeWith("wrong-value", { taints: [{ key: "dedicated", value: "ml", effect: "NoExecute" }] }),
      nodeWith("soft", { taints: [{ key: "spot", effect: "PreferNoSchedule" }] }),
    ],
    daemonsets: [daemonSetOf("kube-system", "kube-proxy", { tolerations: [{ operator: "Exists" }] })],
    deployments: [
      deploymentOf("ml", "trainer", {
        tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
      }),
    ],
    pods: [
      pod("db", "postgres-0", {
        spec: {
          containers: [{ name: "pg", image: "postgres:16" }],
          tolerations: [{ key: "dedicated", operator: "Equal", value: "db", effect: "NoSchedule" }],
        },
      }),
    ],
  });
  const findings = runCheck(untoleratedTaints, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-NODE-004 Node stale", "MCP-NODE-004 Node wrong-value"]);
  assert.match(findings[0].fix, /kubectl taint nodes stale maintenance:NoSchedule-/);
});
