import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, runCheck, snapshot, staticPod, upgradeContext } from "../testing.ts";
import { etcdVersion } from "./etcd-version.ts";

const etcd = (node: string, tag: string) => staticPod("etcd", node, `registry.k8s.io/etcd:${tag}`);

test("flags etcd members on a series the apiserver is not tested with or below the minimum patch", () => {
  const snap = snapshot({
    pods: [
      etcd("cp-1", "3.5.16-0"), // healthy for 1.30
      etcd("cp-2", "3.6.4-0"), // 3.6 is only tested from 1.34
      etcd("cp-3", "3.5.1-0"), // 3.5.0-3.5.5 carry the data-inconsistency bugs
      staticPod("kube-apiserver", "cp-1", "registry.k8s.io/kube-apiserver:v1.30.2"),
    ],
  });
  const findings = runCheck(etcdVersion, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-VER-001 Pod kube-system/etcd-cp-2",
    "MCP-VER-001 Pod kube-system/etcd-cp-3",
  ]);
  const bySeverity = Object.fromEntries(findings.map((f) => [f.object?.name, f.severity]));
  assert.deepEqual(bySeverity, { "etcd-cp-2": "error", "etcd-cp-3": "warning" });
  assert.match(findings[0].fix, /registry\.k8s\.io\/etcd:3\.5\.16-0/);
});

test("pre-upgrade: etcd 3.4 blocks an upgrade to 1.34 (kubeadm moves etcd to 3.6, one etcd minor at a time)", () => {
  const snap = snapshot({ pods: [etcd("cp-1", "3.4.27-0")] });
  assert.deepEqual(findingKeys(runCheck(etcdVersion, context(snap))), []);
  const findings = runCheck(etcdVersion, upgradeContext(snap, "1.34"));
  assert.deepEqual(findingKeys(findings), ["MCP-VER-001 Pod kube-system/etcd-cp-1"]);
  assert.match(findings[0].message, /target Kubernetes v1\.34/);
});

test("a cluster whose etcd is not visible (managed control plane) has no findings", () => {
  assert.deepEqual(runCheck(etcdVersion, context(snapshot({ pods: [] }))), []);
});
