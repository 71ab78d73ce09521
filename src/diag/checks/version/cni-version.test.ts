import assert from "node:assert/strict";
import { test } from "node:test";
import { context, daemonSetOf, findingKeys, runCheck, snapshot, upgradeContext } from "../testing.ts";
import { cniVersion } from "./cni-version.ts";

const calico = (name: string, tag: string) =>
  daemonSetOf("kube-system", name, {
    containers: [{ name: "calico-node", image: `docker.io/calico/node:${tag}` }],
  });
const cilium = (name: string, tag: string) =>
  daemonSetOf("kube-system", name, {
    containers: [{ name: "cilium-agent", image: `quay.io/cilium/cilium:${tag}@sha256:abc` }],
  });

test("flags Calico and Cilium releases not tested on the running Kubernetes (1.30)", () => {
  const snap = snapshot({
    daemonsets: [
      calico("calico-node", "v3.28.1"), // tested 1.27-1.30: healthy
      cilium("cilium", "v1.16.3"), // tested 1.27-1.30: healthy
      calico("calico-old", "v3.25.0"), // tested up to 1.26
      cilium("cilium-old", "v1.13.4"), // older than any listed release
      cilium("cilium-new", "v1.18.0"), // tested from 1.30: healthy
      daemonSetOf("kube-system", "kube-proxy", {
        containers: [{ name: "kube-proxy", image: "registry.k8s.io/kube-proxy:v1.30.2" }],
      }),
    ],
  });
  const findings = runCheck(cniVersion, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-VER-002 DaemonSet kube-system/calico-old",
    "MCP-VER-002 DaemonSet kube-system/cilium-old",
  ]);
  assert.match(findings[0].message, /tested on Kubernetes 1\.23-1\.26, not on Kubernetes v1\.30/);
  assert.match(findings[0].fix, /calico 3\.28/);
});

test("pre-upgrade to 1.31: a CNI tested only up to 1.30 must be upgraded first", () => {
  const snap = snapshot({ daemonsets: [calico("calico-node", "v3.28.1"), cilium("cilium", "v1.17.2")] });
  const findings = runCheck(cniVersion, upgradeContext(snap, "1.31"));
  assert.deepEqual(findingKeys(findings), ["MCP-VER-002 DaemonSet kube-system/calico-node"]);
  assert.equal(findings[0].severity, "warning");
  assert.match(findings[0].fix, /before upgrading Kubernetes/);
});

test("Kubernetes older than the CNI's tested range is an error", () => {
  const snap = { ...snapshot({ daemonsets: [cilium("cilium", "v1.18.1")] }), kubernetesVersion: "v1.28.9" };
  const findings = runCheck(cniVersion, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-VER-002 DaemonSet kube-system/cilium"]);
  assert.equal(findings[0].severity, "error");
});
