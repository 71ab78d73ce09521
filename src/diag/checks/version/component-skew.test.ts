import assert from "node:assert/strict";
import { test } from "node:test";
import {
  context,
  findingKeys,
  nodeWith,
  pod,
  runCheck,
  snapshot,
  staticPod,
  upgradeContext,
} from "../testing.ts";
import { componentSkew } from "./component-skew.ts";

const proxy = (node: string, tag: string) =>
  pod("kube-system", `kube-proxy-${node}`, {
    labels: { "k8s-app": "kube-proxy" },
    spec: {
      nodeName: node,
      containers: [{ name: "kube-proxy", image: `registry.k8s.io/kube-proxy:${tag}` }],
    },
  });

// apiserver v1.30.2 (the snapshot's /version).
const fleet = () =>
  snapshot({
    nodes: [
      nodeWith("cp-1"),
      nodeWith("old-ok", { kubeletVersion: "v1.27.9" }), // 3 older: allowed since 1.28
      nodeWith("too-old", { kubeletVersion: "v1.26.15" }), // 4 older
      nodeWith("too-new", { kubeletVersion: "v1.31.0" }),
    ],
    pods: [
      proxy("cp-1", "v1.30.2"),
      proxy("old-ok", "v1.28.1"),
      proxy("too-old", "v1.26.15"),
      staticPod("kube-controller-manager", "cp-1", "registry.k8s.io/kube-controller-manager:v1.29.4"),
      staticPod("kube-scheduler", "cp-1", "registry.k8s.io/kube-scheduler:v1.28.4"), // 2 older
      staticPod("kube-apiserver", "cp-1", "registry.k8s.io/kube-apiserver:v1.30.2"),
    ],
  });

test("flags kubelets, kube-proxies and schedulers outside the skew policy of the running apiserver", () => {
  const findings = runCheck(componentSkew, context(fleet()));
  assert.deepEqual(findingKeys(findings), [
    "MCP-VER-003 Node too-new",
    "MCP-VER-003 Node too-old",
    "MCP-VER-003 Pod kube-system/kube-proxy-too-old",
    "MCP-VER-003 Pod kube-system/kube-scheduler-cp-1",
  ]);
  const tooNew = findings.find((f) => f.object?.name === "too-new")!;
  assert.match(tooNew.message, /newer than Kubernetes v1\.30/);
  assert.match(findings.find((f) => f.object?.name === "too-old")!.fix, /kubectl drain too-old/);
});

test("pre-upgrade to 1.31: the skew is judged as it will be after the control plane moves", () => {
  const findings = runCheck(componentSkew, upgradeContext(fleet(), "1.31"));
  assert.deepEqual(findingKeys(findings), [
    "MCP-VER-003 Node old-ok", // 1.27 would be 4 behind 1.31
    "MCP-VER-003 Node too-old",
    "MCP-VER-003 Pod kube-system/kube-controller-manager-cp-1", // 1.29 would be 2 behind
    "MCP-VER-003 Pod kube-system/kube-proxy-too-old",
    "MCP-VER-003 Pod kube-system/kube-scheduler-cp-1",
  ]);
});

test("skipping a minor is reported once for the cluster; before 1.28 kubelets may lag only 2", () => {
  const snap = snapshot({ nodes: [nodeWith("a", { kubeletVersion: "v1.30.2" })] });
  assert.deepEqual(findingKeys(runCheck(componentSkew, upgradeContext(snap, "1.32"))), [
    "MCP-VER-003 cluster",
  ]);
  const old = {
    ...snapshot({ nodes: [nodeWith("b", { kubeletVersion: "v1.24.3", kubeProxyVersion: "v1.24.3" })] }),
    kubernetesVersion: "v1.27.1",
  };
  assert.deepEqual(findingKeys(runCheck(componentSkew, context(old))), [
    "MCP-VER-003 Node b", // kubelet, 3 behind 1.27
    "MCP-VER-003 Node b", // kube-proxy from nodeInfo (no kube-proxy pods)
  ]);
});
