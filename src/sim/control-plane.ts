// The control plane of a kubeadm cluster as the API shows it: the static pods' mirror pods on
// the control-plane node (etcd, kube-apiserver, kube-controller-manager, kube-scheduler) with
// the versions' image tags and flags, Running and Ready; and the kubeadm-config ConfigMap that
// upgrade tooling reads. Mirror pods are created here directly: no controller owns them.
import type { KubeObject } from "../apis/meta/types.ts";
import { DNS_SERVICE_IP, SERVICE_CIDR } from "./addons.ts";
import type { SimProfile } from "./context.ts";
import { CONTAINER_RUNTIME, nodeIp, POD_CIDR, stableId } from "./node-objects.ts";

interface Component {
  name: string;
  image: string;
  command: string[];
  requests: Record<string, string>;
}

function components(p: SimProfile, ip: string): Component[] {
  const k = p.kubernetesVersion;
  return [
    {
      name: "etcd",
      image: `registry.k8s.io/etcd:${p.etcdVersion}-0`,
      command: [
        "etcd",
        `--advertise-client-urls=https://${ip}:2379`,
        "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
        "--data-dir=/var/lib/etcd",
        `--listen-client-urls=https://127.0.0.1:2379,https://${ip}:2379`,
        "--snapshot-count=10000",
      ],
      requests: { cpu: "100m", memory: "100Mi" },
    },
    {
      name: "kube-apiserver",
      image: `registry.k8s.io/kube-apiserver:${k}`,
      command: [
        "kube-apiserver",
        `--advertise-address=${ip}`,
        "--authorization-mode=Node,RBAC",
        "--enable-admission-plugins=NodeRestriction",
        "--etcd-servers=https://127.0.0.1:2379",
        "--secure-port=6443",
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
      ],
      requests: { cpu: "250m" },
    },
    {
      name: "kube-controller-manager",
      image: `registry.k8s.io/kube-controller-manager:${k}`,
      command: [
        "kube-controller-manager",
        "--allocate-node-cidrs=true",
        `--cluster-cidr=${POD_CIDR}`,
        "--leader-elect=true",
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
      ],
      requests: { cpu: "200m" },
    },
    {
      name: "kube-scheduler",
      image: `registry.k8s.io/kube-scheduler:${k}`,
      command: ["kube-scheduler", "--bind-address=127.0.0.1", "--leader-elect=true"],
      requests: { cpu: "100m" },
    },
  ];
}

/** The mirror pods of the control-plane node's static pods; `node` is the stored Node. */
export function staticPods(p: SimProfile, node: KubeObject): KubeObject[] {
  const nodeName = node.metadata.name!;
  const ip = nodeIp(0);
  const started = node.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, "Z");
  return components(p, ip).map((c) => {
    const hash = stableId(p.name, c.name, c.image).slice(0, 32);
    const ready = (type: string) => ({
      type,
      status: "True",
      lastProbeTime: null,
      lastTransitionTime: started,
    });
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: `${c.name}-${nodeName}`,
        namespace: "kube-system",
        labels: { component: c.name, tier: "control-plane" },
        annotations: {
          ...(c.name === "etcd"
            ? { "kubeadm.kubernetes.io/etcd.advertise-client-urls": `https://${ip}:2379` }
            : {}),
          ...(c.name === "kube-apiserver"
            ? { "kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": `${ip}:6443` }
            : {}),
          "kubernetes.io/config.hash": hash,
          "kubernetes.io/config.mirror": hash,
          "kubernetes.io/config.seen": started,
          "kubernetes.io/config.source": "file",
        },
        ownerReferences: [
          { apiVersion: "v1", kind: "Node", name: nodeName, uid: node.metadata.uid!, controller: true },
        ],
      },
      spec: {
        nodeName,
        hostNetwork: true,
        priorityClassName: "system-node-critical",
        securityContext: { seccompProfile: { type: "RuntimeDefault" } },
        tolerations: [{ operator: "Exists", effect: "NoExecute" }],
        containers: [
          { name: c.name, image: c.image, command: c.command, resources: { requests: c.requests } },
        ],
      },
      status: {
        phase: "Running",
        conditions: ["Initialized", "Ready", "ContainersReady", "PodScheduled"].map(ready),
        hostIP: ip,
        hostIPs: [{ ip }],
        podIP: ip,
        podIPs: [{ ip }],
        startTime: started,
        qosClass: "Burstable",
        containerStatuses: [
          {
            name: c.name,
            image: c.image,
            imageID: `${c.image.split(":")[0]}@sha256:${stableId(c.image)}${stableId(c.image, "2")}`,
            containerID: `${CONTAINER_RUNTIME.split(":")[0]}://${stableId(p.name, c.name, "container")}${stableId(c.name)}`,
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt: started } },
          },
        ],
      },
    };
  });
}

export function kubeadmConfig(p: SimProfile): KubeObject {
  const clusterConfiguration = [
    "apiVersion: kubeadm.k8s.io/v1beta3",
    "kind: ClusterConfiguration",
    `clusterName: ${p.name}`,
    `controlPlaneEndpoint: ${p.name}-control-plane:6443`,
    "certificatesDir: /etc/kubernetes/pki",
    "imageRepository: registry.k8s.io",
    `kubernetesVersion: ${p.kubernetesVersion}`,
    "dns: {}",
    "etcd:",
    "  local:",
    "    dataDir: /var/lib/etcd",
    `    imageTag: ${p.etcdVersion}-0`,
    "networking:",
    "  dnsDomain: cluster.local",
    `  podSubnet: ${POD_CIDR}`,
    `  serviceSubnet: ${SERVICE_CIDR}`,
    "",
  ].join("\n");
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "kubeadm-config", namespace: "kube-system" },
    data: { ClusterConfiguration: clusterConfiguration },
  };
}

/** kubelet's view of cluster DNS, for tools that read it. */
export function kubeletConfig(p: SimProfile): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "kubelet-config", namespace: "kube-system" },
    data: {
      kubelet: [
        "apiVersion: kubelet.config.k8s.io/v1beta1",
        "kind: KubeletConfiguration",
        "cgroupDriver: systemd",
        "clusterDNS:",
        `- ${DNS_SERVICE_IP}`,
        "clusterDomain: cluster.local",
        `maxPods: ${p.nodePods}`,
        "nodeStatusReportFrequency: 1m0s",
        "nodeStatusUpdateFrequency: 10s",
        "",
      ].join("\n"),
    },
  };
}
