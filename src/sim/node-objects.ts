// The Node and Lease objects of a simulated cluster, shaped like what a kubeadm-installed kubelet
// registers: kind-style names (<cluster>-control-plane, <cluster>-worker, -worker2...), the
// well-known labels, capacity/allocatable from the profile, nodeInfo versions, and the
// conditions the node lifecycle controller writes when a kubelet goes quiet.
import { createHash } from "node:crypto";
import type { Condition, KubeObject } from "../apis/meta/types.ts";
import type { SimProfile } from "./context.ts";
import { parseQuantity } from "./quantity.ts";

export const CONTAINER_RUNTIME = "containerd://1.7.13";
export const OS_IMAGE = "Ubuntu 22.04.4 LTS";
export const KERNEL = "5.15.0-105-generic";
export const POD_CIDR = "10.244.0.0/16";
/** How long a Lease is valid, as kubelet sets it. */
export const LEASE_DURATION_SECONDS = 40;
export const UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";
export const CONTROL_PLANE_ROLE = "node-role.kubernetes.io/control-plane";

export function nodeNames(profile: Pick<SimProfile, "name" | "nodes">): string[] {
  const names = [`${profile.name}-control-plane`];
  for (let i = 1; i < profile.nodes; i++) names.push(`${profile.name}-worker${i === 1 ? "" : i}`);
  return names;
}

/** The node's InternalIP (kind's docker network style). */
export function nodeIp(index: number): string {
  const n = index + 2;
  return `172.18.${Math.floor(n / 256)}.${n % 256}`;
}

/** A stable identifier derived from names, so restarts and reruns produce the same objects. */
export function stableId(...parts: string[]): string {
  return createHash("sha256").update(parts.join("/")).digest("hex").slice(0, 32);
}

export function microTime(d = new Date()): string {
  return `${d.toISOString().slice(0, 23)}000Z`;
}

export function readyConditions(now: string, since: string): Condition[] {
  const c = (type: string, status: "True" | "False", reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: since,
    reason,
    message,
  });
  return [
    c("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    c("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    c("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    c("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
  ] as Condition[];
}

/** What the node lifecycle controller sets when the kubelet stopped posting status. */
export function unknownConditions(previous: Condition[], now: string): Condition[] {
  return previous.map((c) =>
    c.status === "Unknown"
      ? c
      : {
          ...c,
          status: "Unknown",
          reason: "NodeStatusUnknown",
          message: "Kubelet stopped posting node status.",
          lastTransitionTime: now,
        },
  );
}

export function nodeObject(profile: SimProfile, index: number): KubeObject {
  const name = nodeNames(profile)[index];
  const region = profile.labels.region ?? "local";
  const controlPlane = index === 0;
  const ip = nodeIp(index);
  const podCidr = `10.244.${index}.0/24`;
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const id = stableId(profile.name, name);
  const capacity = {
    cpu: profile.nodeCpu,
    "ephemeral-storage": "102400Mi",
    "hugepages-1Gi": "0",
    "hugepages-2Mi": "0",
    memory: profile.nodeMemory,
    pods: String(profile.nodePods),
  };
  const memory = parseQuantity(profile.nodeMemory) ?? 0;
  const allocatable = {
    ...capacity,
    // kubelet's default hard eviction threshold (memory.available<100Mi) comes off allocatable.
    memory: `${Math.max(0, Math.floor(memory / 1024) - 102_400)}Ki`,
    "ephemeral-storage": "92160Mi",
  };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "node.kubernetes.io/instance-type": `sim-${profile.nodeCpu}cpu-${profile.nodeMemory.toLowerCase()}`,
        "topology.kubernetes.io/region": region,
        "topology.kubernetes.io/zone": `${region}-${"abc"[index % 3]}`,
        ...(controlPlane
          ? { [CONTROL_PLANE_ROLE]: "", "node.kubernetes.io/exclude-from-external-load-balancers": "" }
          : {}),
      },
      annotations: {
        "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
        ...cniAnnotations(profile, ip, podCidr),
      },
    },
    spec: {
      podCIDR: podCidr,
      podCIDRs: [podCidr],
      providerID: `mcp-sim://${profile.name}/${name}`,
      // kubeadm taints the control plane; a one-node cluster must stay schedulable (as kind does).
      ...(controlPlane && profile.nodes > 1
        ? { taints: [{ key: CONTROL_PLANE_ROLE, effect: "NoSchedule" }] }
        : {}),
    },
    status: {
      capacity,
      allocatable,
      conditions: readyConditions(now, now),
      addresses: [
        { type: "InternalIP", address: ip },
        { type: "Hostname", address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: id,
        systemUUID: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`,
        bootID: stableId(id, "boot").replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5"),
        kernelVersion: KERNEL,
        osImage: OS_IMAGE,
        containerRuntimeVersion: CONTAINER_RUNTIME,
        kubeletVersion: profile.kubernetesVersion,
        kubeProxyVersion: profile.kubernetesVersion,
        operatingSystem: "linux",
        architecture: "amd64",
      },
    },
  };
}

function cniAnnotations(profile: SimProfile, ip: string, podCidr: string): Record<string, string> {
  if (profile.cni.name === "cilium")
    return {
      "io.cilium.network.ipv4-cilium-host": podCidr.replace(/0\/24$/, "1"),
      "io.cilium.network.ipv4-pod-cidr": podCidr,
    };
  return {
    "projectcalico.org/IPv4Address": `${ip}/16`,
    "projectcalico.org/IPv4VXLANTunnelAddr": podCidr.replace(/0\/24$/, "0"),
  };
}

export function leaseObject(node: KubeObject): KubeObject {
  const name = node.metadata.name!;
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name,
      namespace: "kube-node-lease",
      ownerReferences: [{ apiVersion: "v1", kind: "Node", name, uid: node.metadata.uid! }],
    },
    spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime() },
  };
}
