import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, obj, runCheck, snapshot } from "../testing.ts";
import { clusterAdmin } from "./cluster-admin.ts";

const crb = (name: string, role: string, subjects: Record<string, string>[]) =>
  obj("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", name, undefined, {
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
    subjects,
  });
const healthy = [
  crb("cluster-admin", "cluster-admin", [{ kind: "Group", name: "system:masters" }]),
  crb("kubeadm:cluster-admins", "cluster-admin", [{ kind: "Group", name: "kubeadm:cluster-admins" }]),
  crb("ci-view", "view", [{ kind: "ServiceAccount", name: "ci", namespace: "ci" }]),
];

test("MCP-SEC-004 fires on cluster-admin bindings to users, groups and ServiceAccounts", () => {
  const snap = snapshot({
    clusterrolebindings: [
      ...healthy,
      crb("tiller", "cluster-admin", [{ kind: "ServiceAccount", name: "tiller", namespace: "kube-system" }]),
      crb("alice-admin", "cluster-admin", [{ kind: "User", name: "alice@example.com" }]),
      crb("mixed", "cluster-admin", [
        { kind: "Group", name: "system:masters" },
        { kind: "User", name: "system:serviceaccount:ci:deployer" },
      ]),
    ],
  });
  const findings = runCheck(clusterAdmin, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-SEC-004 ClusterRoleBinding alice-admin",
    "MCP-SEC-004 ClusterRoleBinding mixed",
    "MCP-SEC-004 ClusterRoleBinding tiller",
  ]);
  assert.match(
    findings.find((f) => f.object?.name === "tiller")?.message ?? "",
    /ServiceAccount kube-system\/tiller/,
  );
});

test("MCP-SEC-004 is silent on a healthy cluster", () => {
  assert.deepEqual(runCheck(clusterAdmin, context(snapshot({ clusterrolebindings: healthy }))), []);
});
