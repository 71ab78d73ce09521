import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, obj, pod, runCheck, snapshot } from "../testing.ts";
import { privileged } from "./privileged.ts";

const owned = (kind: string, name: string, apiVersion = "apps/v1") => [
  { apiVersion, kind, name, uid: `${name}-uid`, controller: true },
];
const priv = { securityContext: { privileged: true } };

test("MCP-SEC-001 fires once per workload with a privileged container, init containers included", () => {
  const snap = snapshot({
    replicasets: [
      obj(
        "apps/v1",
        "ReplicaSet",
        "agent-7d9",
        "tools",
        {},
        { ownerReferences: owned("Deployment", "agent") },
      ),
    ],
    pods: [
      // two replicas of one Deployment: one finding on the Deployment
      pod("tools", "agent-7d9-a", {
        ownerReferences: owned("ReplicaSet", "agent-7d9"),
        spec: { containers: [{ name: "a", ...priv }] },
      }),
      pod("tools", "agent-7d9-b", {
        ownerReferences: owned("ReplicaSet", "agent-7d9"),
        spec: { containers: [{ name: "a", ...priv }] },
      }),
      pod("tools", "debug", {
        spec: { initContainers: [{ name: "setup", ...priv }], containers: [{ name: "main" }] },
      }),
      // healthy: explicitly unprivileged, kube-system agents, finished pods
      pod("tools", "web", { spec: { containers: [{ name: "w", securityContext: { privileged: false } }] } }),
      pod("kube-system", "calico-node-x", { spec: { containers: [{ name: "calico-node", ...priv }] } }),
      pod("tools", "old", { phase: "Succeeded", spec: { containers: [{ name: "o", ...priv }] } }),
    ],
  });
  const findings = runCheck(privileged, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-SEC-001 Deployment tools/agent",
    "MCP-SEC-001 Pod tools/debug",
  ]);
  assert.match(findings.find((f) => f.object?.name === "debug")?.message ?? "", /setup/);
  assert.match(findings[0].fix, /kubectl -n tools edit deployment agent/);
});

test("MCP-SEC-001 is silent on a healthy cluster", () => {
  const snap = snapshot({
    pods: [
      pod("tools", "web"),
      pod("kube-system", "kube-proxy-x", { spec: { containers: [{ name: "p", ...priv }] } }),
    ],
  });
  assert.deepEqual(runCheck(privileged, context(snap)), []);
});
