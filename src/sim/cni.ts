// The CNI add-on of a simulated cluster, as its upstream manifests install it in kube-system:
// Calico (calico-node DaemonSet, calico-kube-controllers, the calico-config ConfigMap whose
// veth_mtu is the profile's MTU) or Cilium (cilium DaemonSet, cilium-operator, cilium-config
// with its mtu). Diagnostics read versions from the images and the MTU from the ConfigMaps.
import type { KubeObject } from "../apis/meta/types.ts";
import type { SimProfile } from "./context.ts";
import { daemonSet, deployment, LINUX, meta } from "./manifests.ts";
import { POD_CIDR } from "./node-objects.ts";

export function cniObjects(p: SimProfile): KubeObject[] {
  return p.cni.name === "cilium" ? cilium(p) : calico(p);
}

function calico(p: SimProfile): KubeObject[] {
  const v = p.cni.version;
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("calico-node", {}) },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("calico-kube-controllers", {}) },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta("calico-config", {}),
      data: { calico_backend: "bird", typha_service_name: "none", veth_mtu: String(p.cni.mtu) },
    },
    daemonSet(
      "calico-node",
      { "k8s-app": "calico-node" },
      {
        priorityClassName: "system-node-critical",
        serviceAccountName: "calico-node",
        hostNetwork: true,
        nodeSelector: LINUX,
        tolerations: [
          { effect: "NoSchedule", operator: "Exists" },
          { key: "CriticalAddonsOnly", operator: "Exists" },
          { effect: "NoExecute", operator: "Exists" },
        ],
        initContainers: [
          { name: "install-cni", image: `docker.io/calico/cni:${v}`, command: ["/opt/cni/bin/install"] },
        ],
        containers: [
          {
            name: "calico-node",
            image: `docker.io/calico/node:${v}`,
            env: [
              { name: "CALICO_IPV4POOL_CIDR", value: POD_CIDR },
              { name: "CALICO_IPV4POOL_VXLAN", value: "CrossSubnet" },
              {
                name: "FELIX_VXLANMTU",
                valueFrom: { configMapKeyRef: { name: "calico-config", key: "veth_mtu" } },
              },
            ],
            securityContext: { privileged: true },
            resources: { requests: { cpu: "250m" } },
          },
        ],
      },
    ),
    deployment(
      "calico-kube-controllers",
      { "k8s-app": "calico-kube-controllers" },
      "calico-kube-controllers",
      `docker.io/calico/kube-controllers:${v}`,
    ),
  ];
}

function cilium(p: SimProfile): KubeObject[] {
  const v = p.cni.version;
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("cilium", {}) },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("cilium-operator", {}) },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta("cilium-config", {}),
      data: {
        "cluster-pool-ipv4-cidr": POD_CIDR,
        ipam: "cluster-pool",
        "kube-proxy-replacement": "false",
        mtu: String(p.cni.mtu),
        "routing-mode": "tunnel",
        "tunnel-protocol": "vxlan",
      },
    },
    daemonSet(
      "cilium",
      { "k8s-app": "cilium" },
      {
        priorityClassName: "system-node-critical",
        serviceAccountName: "cilium",
        hostNetwork: true,
        nodeSelector: LINUX,
        tolerations: [{ operator: "Exists" }],
        containers: [
          {
            name: "cilium-agent",
            image: `quay.io/cilium/cilium:${v}`,
            command: ["cilium-agent"],
            args: ["--config-dir=/tmp/cilium/config-map"],
            securityContext: { privileged: true },
          },
        ],
      },
    ),
    deployment(
      "cilium-operator",
      { "io.cilium/app": "operator", name: "cilium-operator" },
      "cilium-operator",
      `quay.io/cilium/operator-generic:${v}`,
    ),
  ];
}
