// Test fixtures: what a small kubeadm cluster with Calico shows in its API (nodes with real-looking
// capacities, the etcd static pod, kube-proxy and calico-node DaemonSets and their ConfigMaps,
// CoreDNS), and helpers to load them into the test API server and point a KubeConfig at it.
// Shared by the collector's tests and the hub's push-mode tests.
import { KubeConfig } from "@kubernetes/client-node";
import { platformResourceTypes } from "../../apis/mcp.platform/v1/index.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { builtinResourceTypes } from "../../apiserver/resources/builtin.ts";
import { ResourceRegistry } from "../../apiserver/resources/registry.ts";
import type { Store } from "../../storage/store.ts";

const KS = "kube-system";

function node(
  name: string,
  o: { ready: boolean; cpu: string; allocCpu: string; memory: string; allocMemory: string; mtu?: number },
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux" },
      ...(o.mtu ? { annotations: { "mcp.platform/mtu": String(o.mtu) } } : {}),
    },
    spec: { podCIDR: "10.244.0.0/24" },
    status: {
      capacity: { cpu: o.cpu, memory: o.memory, pods: "110", "ephemeral-storage": "102350Mi" },
      allocatable: { cpu: o.allocCpu, memory: o.allocMemory, pods: "110", "ephemeral-storage": "94324Mi" },
      conditions: [
        { type: "MemoryPressure", status: "False", reason: "KubeletHasSufficientMemory" },
        {
          type: "Ready",
          status: o.ready ? "True" : "Unknown",
          reason: o.ready ? "KubeletReady" : "NodeStatusUnknown",
        },
      ],
      nodeInfo: { kubeletVersion: "v1.29.4", containerRuntimeVersion: "containerd://1.7.13" },
    },
  };
}

const workload = (
  kind: string,
  name: string,
  labels: Record<string, string>,
  image: string,
  extra: object = {},
) => ({
  apiVersion: "apps/v1",
  kind,
  metadata: { name, namespace: KS, labels },
  spec: {
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { containers: [{ name, image }] } },
    ...extra,
  },
});

/** A three-node kubeadm cluster with Calico 3.27.2, kube-proxy in IPVS mode and CoreDNS 2/1 ready. */
export function kubeadmCalicoCluster(): KubeObject[] {
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: KS } },
    node("cp-1", { ready: true, cpu: "4", allocCpu: "3800m", memory: "16Gi", allocMemory: "15Gi" }),
    node("worker-1", {
      ready: true,
      cpu: "8",
      allocCpu: "7800m",
      memory: "32879180Ki",
      allocMemory: "32776780Ki",
    }),
    node("worker-2", {
      ready: false,
      cpu: "8",
      allocCpu: "7800m",
      memory: "32879180Ki",
      allocMemory: "32776780Ki",
      mtu: 1400,
    }),
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "etcd-cp-1", namespace: KS, labels: { component: "etcd", tier: "control-plane" } },
      spec: { nodeName: "cp-1", containers: [{ name: "etcd", image: "registry.k8s.io/etcd:3.5.12-0" }] },
    },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "kube-apiserver-cp-1", namespace: KS, labels: { component: "kube-apiserver" } },
      spec: {
        nodeName: "cp-1",
        containers: [{ name: "kube-apiserver", image: "registry.k8s.io/kube-apiserver:v1.29.4" }],
      },
    },
    workload("DaemonSet", "kube-proxy", { "k8s-app": "kube-proxy" }, "registry.k8s.io/kube-proxy:v1.29.4"),
    {
      ...workload("DaemonSet", "calico-node", { "k8s-app": "calico-node" }, "docker.io/calico/node:v3.27.2"),
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "kube-proxy", namespace: KS },
      data: {
        "config.conf":
          "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nipvs:\n  scheduler: rr\nmode: ipvs\n",
      },
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "calico-config", namespace: KS },
      data: { calico_backend: "bird", veth_mtu: "1440" },
    },
    {
      ...workload(
        "Deployment",
        "coredns",
        { "k8s-app": "kube-dns" },
        "registry.k8s.io/coredns/coredns:v1.11.1",
        {
          replicas: 2,
        },
      ),
      status: { replicas: 2, readyReplicas: 1 },
    },
  ];
}

/** Stores objects as they are (status included), through the in-process client. */
export async function loadObjects(store: Store, objs: KubeObject[]): Promise<InternalClient> {
  const registry = new ResourceRegistry([...builtinResourceTypes(), ...platformResourceTypes()]);
  const client = new InternalClient(new ObjectStore(store), registry);
  for (const o of objs) {
    if (
      o.kind === "Namespace" &&
      (await client.get({ apiVersion: "v1", kind: "Namespace", name: o.metadata.name! }))
    )
      continue;
    await client.create(o);
  }
  return client;
}

/** A KubeConfig for a plain-HTTP test API server with a bearer token. */
export function testKubeConfig(server: string, token = "admin"): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "member", server, skipTLSVerify: server.startsWith("http:") }],
    users: [{ name: "user", token }],
    contexts: [{ name: "member", cluster: "member", user: "user" }],
    currentContext: "member",
  });
  return kc;
}
