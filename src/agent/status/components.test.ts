import assert from "node:assert/strict";
import { test } from "node:test";
import {
  coreDnsReplicas,
  detectCni,
  etcdVersion,
  etcdVersionFromImage,
  imageTag,
  kubeProxyMode,
  mtuFromConfig,
  type WorkloadLike,
} from "./components.ts";

const ds = (
  name: string,
  namespace: string,
  containers: { name: string; image: string }[],
): WorkloadLike => ({
  metadata: { name, namespace },
  spec: { template: { spec: { containers } } },
});

test("image tags ignore digests and registry ports", () => {
  assert.equal(imageTag("registry.k8s.io/etcd:3.5.12-0"), "3.5.12-0");
  assert.equal(
    imageTag(
      "quay.io/cilium/cilium:v1.14.5@sha256:d3b287029755b6a47dee01420e2ea469469f1b174a2089c10af7e5e9289ef05b",
    ),
    "v1.14.5",
  );
  assert.equal(imageTag("localhost:5000/calico/node"), undefined);
  assert.equal(imageTag("localhost:5000/calico/node:v3.27.2"), "v3.27.2");
  assert.equal(imageTag(undefined), undefined);
});

test("etcd version from the etcd pods' images", () => {
  assert.equal(etcdVersionFromImage("registry.k8s.io/etcd:3.5.12-0"), "3.5.12");
  assert.equal(etcdVersionFromImage("quay.io/coreos/etcd:v3.5.9"), "3.5.9");
  assert.equal(etcdVersionFromImage("registry.k8s.io/etcd:latest"), undefined);
  const pod = (image: string) => ({ spec: { containers: [{ name: "etcd", image }] } });
  assert.equal(
    etcdVersion([pod("e:3.5.9-0"), pod("e:3.5.12-0"), pod("e:3.5.10-0")]),
    "3.5.12",
    "newest mid-upgrade",
  );
  assert.equal(etcdVersion([]), undefined);
});

test("recognises CNIs by DaemonSet, then by container", () => {
  const proxy = ds("kube-proxy", "kube-system", [
    { name: "kube-proxy", image: "registry.k8s.io/kube-proxy:v1.29.4" },
  ]);
  assert.deepEqual(
    detectCni([
      proxy,
      ds("cilium", "kube-system", [
        { name: "cilium-agent", image: "quay.io/cilium/cilium:v1.14.5@sha256:abc" },
      ]),
    ]),
    {
      name: "cilium",
      version: "v1.14.5",
      mtuSource: { namespace: "kube-system", configMap: "cilium-config", key: "mtu" },
    },
  );
  // The Tigera operator installs Calico in calico-system; its ConfigMap is looked up there.
  assert.deepEqual(
    detectCni([
      ds("calico-node", "calico-system", [{ name: "calico-node", image: "docker.io/calico/node:v3.26.1" }]),
    ]),
    {
      name: "calico",
      version: "v3.26.1",
      mtuSource: { namespace: "calico-system", configMap: "calico-config", key: "veth_mtu" },
    },
  );
  const canal = ds("canal", "kube-system", [
    { name: "calico-node", image: "docker.io/calico/node:v3.27.0" },
    { name: "kube-flannel", image: "flannel/flannel:v0.24.0" },
  ]);
  assert.equal(detectCni([canal])?.name, "canal");
  assert.deepEqual(
    detectCni([
      ds("kube-flannel-ds", "kube-flannel", [
        { name: "kube-flannel", image: "docker.io/flannel/flannel:v0.24.2" },
      ]),
    ]),
    {
      name: "flannel",
      version: "v0.24.2",
    },
  );
  assert.equal(
    detectCni([ds("my-renamed-cni", "net", [{ name: "cilium-agent", image: "cilium:v1.15.0" }])])?.name,
    "cilium",
  );
  assert.equal(detectCni([proxy]), undefined);
});

test("kube-proxy mode: empty means iptables; unreadable config is undefined", () => {
  assert.equal(kubeProxyMode("kind: KubeProxyConfiguration\nmode: ipvs\n"), "ipvs");
  assert.equal(kubeProxyMode('kind: KubeProxyConfiguration\nmode: ""\n'), "iptables");
  assert.equal(kubeProxyMode("kind: KubeProxyConfiguration\n"), "iptables");
  assert.equal(kubeProxyMode("mode: nftables"), "nftables");
  assert.equal(kubeProxyMode("mode: [unclosed"), undefined);
  assert.equal(kubeProxyMode(undefined), undefined);
});

test("CoreDNS replicas and CNI MTU", () => {
  const dns = (name: string, replicas: number | undefined, ready: number | undefined): WorkloadLike => ({
    metadata: { name },
    spec: { ...(replicas === undefined ? {} : { replicas }) },
    status: { ...(ready === undefined ? {} : { readyReplicas: ready }) },
  });
  assert.deepEqual(coreDnsReplicas([dns("kube-dns", 1, 1), dns("coredns", 2, 2)]), { desired: 2, ready: 2 });
  assert.deepEqual(coreDnsReplicas([dns("coredns", undefined, undefined)]), { desired: 1, ready: 0 });
  assert.equal(coreDnsReplicas([]), undefined);
  assert.equal(mtuFromConfig({ veth_mtu: "1440" }, "veth_mtu"), 1440);
  assert.equal(mtuFromConfig({ veth_mtu: "0" }, "veth_mtu"), undefined, "0 means auto-detected per node");
  assert.equal(mtuFromConfig({}, "mtu"), undefined);
});
